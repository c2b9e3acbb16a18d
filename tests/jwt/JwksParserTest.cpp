#include <gtest/gtest.h>
#include <openssl/core_names.h>

#include <map>
#include <string>
#include <vector>

#include "jwt/Base64Url.h"
#include "jwt/JwksParser.h"
#include "jwt/SigningKey.h"
#include "jwt/Verifier.h"

namespace rampart::jwt {
namespace {

constexpr int64_t kNow = 1'700'000'000;

SigningKey generated(Algorithm alg, const std::string& kid) {
    auto key = SigningKey::generate(alg, kid);
    if (!key.ok()) throw std::runtime_error(std::string(key.status().message()));
    return std::move(*key);
}

// One key per key type and curve, made once: RSA keygen is slow.
const SigningKey& keyFor(Algorithm alg) {
    static std::map<Algorithm, SigningKey> keys = [] {
        std::map<Algorithm, SigningKey> made;
        for (Algorithm alg : {Algorithm::RS256, Algorithm::ES256, Algorithm::ES384,
                              Algorithm::ES512, Algorithm::EdDSA, Algorithm::HS256}) {
            made.emplace(alg, generated(alg, std::string("key-") + algorithmName(alg)));
        }
        auto pss = SigningKey::fromPem(Algorithm::PS256, "key-PS256",
                                       made.at(Algorithm::RS256).privatePem());
        made.emplace(Algorithm::PS256, std::move(pss.value()));
        return made;
    }();
    return keys.at(alg);
}

std::string jwk(Algorithm alg) { return keyFor(alg).publicJwk(); }

// `text` with its one occurrence of `from` replaced by `to`.
std::string replaced(std::string text, const std::string& from, const std::string& to) {
    const size_t at = text.find(from);
    if (at == std::string::npos || text.find(from, at + 1) != std::string::npos) {
        throw std::runtime_error("expected exactly one \"" + from + "\" in " + text);
    }
    return text.replace(at, from.size(), to);
}

std::string withoutAlg(const std::string& jwkText, Algorithm alg) {
    return replaced(jwkText, std::string(",\"alg\":\"") + algorithmName(alg) + "\"", "");
}

std::string withMember(const std::string& jwkText, const std::string& member) {
    return jwkText.substr(0, jwkText.size() - 1) + "," + member + "}";
}

std::string bnMember(EVP_PKEY* key, const char* name) {
    BIGNUM* bn = nullptr;
    if (!EVP_PKEY_get_bn_param(key, name, &bn)) throw std::runtime_error("no bn param");
    BignumPtr owned(bn);
    std::vector<uint8_t> bytes(BN_num_bytes(bn));
    BN_bn2bin(bn, bytes.data());
    return base64UrlEncode(bytes);
}

std::string octJwk(const std::string& kid, Algorithm alg, size_t secretBytes) {
    return "{\"kty\":\"oct\",\"kid\":\"" + kid + "\",\"alg\":\"" + algorithmName(alg) +
           "\",\"k\":\"" + base64UrlEncode(std::string(secretBytes, 'k')) + "\"}";
}

bool anyContains(const std::vector<std::string>& lines, std::string_view text) {
    for (const auto& line : lines) {
        if (line.find(text) != std::string::npos) return true;
    }
    return false;
}

std::string joined(const std::vector<std::string>& lines) {
    std::string out;
    for (const auto& line : lines) out += line + "\n";
    return out;
}

// The set verifies a token minted by `key`: the parsed key is usable, not merely present.
void expectVerifies(const KeySet& keys, const SigningKey& key) {
    const auto outcome =
        Verifier(VerifierOptions{})
            .verify(key.mint("{\"exp\":" + std::to_string(kNow + 60) + "}"), keys, kNow);
    EXPECT_EQ(verdictName(outcome.verdict), verdictName(Verdict::Allow))
        << key.kid() << ": " << outcome.detail;
}

class JwksParserTest : public ::testing::Test {
protected:
    static void SetUpTestSuite() { keyFor(Algorithm::RS256); }
};

TEST_F(JwksParserTest, parsesEveryKeyType) {
    const auto parsed =
        parseJwks(jwksOf({jwk(Algorithm::RS256), jwk(Algorithm::PS256), jwk(Algorithm::ES256),
                          jwk(Algorithm::ES384), jwk(Algorithm::ES512), jwk(Algorithm::EdDSA),
                          jwk(Algorithm::HS256)}),
                  {});
    ASSERT_TRUE(parsed.ok()) << parsed.status();
    EXPECT_TRUE(parsed->warnings.empty()) << joined(parsed->warnings);
    const KeySet& keys = *parsed->keys;
    EXPECT_EQ(keys.size(), 7u);
    EXPECT_EQ(keys.summary(),
              "key-RS256:RS256,key-PS256:PS256,key-ES256:ES256,key-ES384:ES384,"
              "key-ES512:ES512,key-EdDSA:EdDSA,key-HS256:HS256");
    EXPECT_EQ(keys.find("key-RS256")->bits, 2048);
    EXPECT_EQ(keys.find("key-ES512")->bits, 521);
    for (Algorithm alg : {Algorithm::RS256, Algorithm::PS256, Algorithm::ES256, Algorithm::ES384,
                          Algorithm::ES512, Algorithm::EdDSA, Algorithm::HS256}) {
        expectVerifies(keys, keyFor(alg));
    }
}

TEST_F(JwksParserTest, skipsKeysNotMeantForVerificationWithAWarning) {
    const std::string es = jwk(Algorithm::ES256);
    const std::string enc = replaced(jwk(Algorithm::RS256), "\"use\":\"sig\"", "\"use\":\"enc\"");
    const std::string encryptOnly =
        withMember(replaced(es, ",\"use\":\"sig\"", ""), "\"key_ops\":[\"encrypt\",\"sign\"]");
    const std::string verifyOps =
        withMember(replaced(jwk(Algorithm::EdDSA), ",\"use\":\"sig\"", ""),
                   "\"key_ops\":[\"sign\",\"verify\"]");
    const auto parsed = parseJwks(jwksOf({enc, encryptOnly, verifyOps}), {});
    ASSERT_TRUE(parsed.ok()) << parsed.status();
    EXPECT_EQ(parsed->keys->summary(), "key-EdDSA:EdDSA");
    ASSERT_EQ(parsed->warnings.size(), 2u) << joined(parsed->warnings);
    EXPECT_TRUE(anyContains(parsed->warnings, "\"use\" is not \"sig\""));
    EXPECT_TRUE(anyContains(parsed->warnings, "\"key_ops\" does not include \"verify\""));
    EXPECT_TRUE(anyContains(parsed->warnings, "key-RS256"));
}

TEST_F(JwksParserTest, rejectsDuplicateKid) {
    const std::string other = replaced(jwk(Algorithm::ES384), "key-ES384", "key-ES256");
    const auto parsed = parseJwks(jwksOf({jwk(Algorithm::ES256), other}), {});
    ASSERT_FALSE(parsed.ok());
    EXPECT_NE(parsed.status().message().find("duplicate kid"), std::string_view::npos)
        << parsed.status();
}

TEST_F(JwksParserTest, refusesRsaKeysShorterThan2048Bits) {
    EvpPkeyPtr weak(EVP_PKEY_Q_keygen(nullptr, nullptr, "RSA", size_t{1024}));
    ASSERT_TRUE(weak);
    const std::string weakJwk = "{\"kty\":\"RSA\",\"kid\":\"weak\",\"alg\":\"RS256\",\"n\":\"" +
                                bnMember(weak.get(), OSSL_PKEY_PARAM_RSA_N) + "\",\"e\":\"" +
                                bnMember(weak.get(), OSSL_PKEY_PARAM_RSA_E) + "\"}";
    const auto alone = parseJwks(jwksOf({weakJwk}), {});
    ASSERT_FALSE(alone.ok());
    EXPECT_NE(alone.status().message().find("1024 bits"), std::string_view::npos) << alone.status();

    const auto mixed = parseJwks(jwksOf({weakJwk, jwk(Algorithm::RS256)}), {});
    ASSERT_TRUE(mixed.ok()) << mixed.status();
    EXPECT_EQ(mixed->keys->summary(), "key-RS256:RS256");
    EXPECT_TRUE(anyContains(mixed->warnings, "weak")) << joined(mixed->warnings);
}

TEST_F(JwksParserTest, refusesRsaKeysWithAnExponentThatCannotBeReal) {
    const std::string good = jwk(Algorithm::RS256);
    const size_t at = good.find("\"e\":\"");
    ASSERT_NE(at, std::string::npos);
    const size_t end = good.find('"', at + 5);
    // e = 1 would make any signature verify; 2 and 4 are even.
    for (const char* e : {"AQ", "Ag", "BA"}) {
        const std::string bad = good.substr(0, at + 5) + e + good.substr(end);
        const auto parsed = parseJwks(jwksOf({bad}), {});
        ASSERT_FALSE(parsed.ok()) << e;
        EXPECT_NE(parsed.status().message().find("exponent"), std::string_view::npos)
            << parsed.status();
    }
    EXPECT_TRUE(parseJwks(jwksOf({good}), {}).ok());
}

TEST_F(JwksParserTest, refusesHmacSecretsShorterThanTheHash) {
    const auto parsed = parseJwks(
        jwksOf({octJwk("hs256-short", Algorithm::HS256, 31), octJwk("hs256", Algorithm::HS256, 32),
                octJwk("hs384-short", Algorithm::HS384, 47), octJwk("hs384", Algorithm::HS384, 48),
                octJwk("hs512-short", Algorithm::HS512, 63),
                octJwk("hs512", Algorithm::HS512, 64)}),
        {});
    ASSERT_TRUE(parsed.ok()) << parsed.status();
    EXPECT_EQ(parsed->keys->summary(), "hs256:HS256,hs384:HS384,hs512:HS512");
    EXPECT_EQ(parsed->warnings.size(), 3u) << joined(parsed->warnings);
    EXPECT_TRUE(anyContains(parsed->warnings, "HMAC key of 31 bytes"));
}

TEST_F(JwksParserTest, rejectsEcPointNotOnTheCurve) {
    const std::string good = jwk(Algorithm::ES256);
    const size_t at = good.find("\"y\":\"") + 5;
    auto y = base64UrlDecode(good.substr(at, good.find('"', at) - at)).value();
    y.back() = static_cast<char>(y.back() ^ 0x01);
    const std::string offCurve =
        good.substr(0, at) + base64UrlEncode(y) + good.substr(good.find('"', at));
    const auto parsed = parseJwks(jwksOf({offCurve}), {});
    ASSERT_FALSE(parsed.ok());
    EXPECT_NE(parsed.status().message().find("EC"), std::string_view::npos) << parsed.status();
}

TEST_F(JwksParserTest, rejectsEcCurveThatDoesNotMatchTheAlg) {
    const std::string p384AsEs256 =
        replaced(jwk(Algorithm::ES384), "\"alg\":\"ES384\"", "\"alg\":\"ES256\"");
    const auto parsed = parseJwks(jwksOf({p384AsEs256}), {});
    ASSERT_FALSE(parsed.ok());
    EXPECT_NE(parsed.status().message().find("curve P-384 cannot be used with ES256"),
              std::string_view::npos)
        << parsed.status();
}

TEST_F(JwksParserTest, skipsKeyWithoutAlgUnlessABindingSuppliesOne) {
    const std::string bare = withoutAlg(jwk(Algorithm::RS256), Algorithm::RS256);
    const auto unbound = parseJwks(jwksOf({bare, jwk(Algorithm::ES256)}), {});
    ASSERT_TRUE(unbound.ok()) << unbound.status();
    EXPECT_EQ(unbound->keys->summary(), "key-ES256:ES256");
    EXPECT_TRUE(anyContains(unbound->warnings, "no \"alg\"")) << joined(unbound->warnings);

    for (const AlgorithmBindings& bindings :
         {AlgorithmBindings{{"key-RS256", Algorithm::RS256}},
          AlgorithmBindings{{"kty:RSA", Algorithm::RS256}},
          AlgorithmBindings{{"key-RS256", Algorithm::RS256}, {"kty:RSA", Algorithm::PS256}}}) {
        const auto bound = parseJwks(jwksOf({bare}), bindings);
        ASSERT_TRUE(bound.ok()) << bound.status();
        EXPECT_EQ(bound->keys->summary(), "key-RS256:RS256");
        expectVerifies(*bound->keys, keyFor(Algorithm::RS256));
    }
    // A binding for another kid or another key type does not apply.
    EXPECT_FALSE(
        parseJwks(jwksOf({bare}), {{"other", Algorithm::RS256}, {"kty:EC", Algorithm::ES256}})
            .ok());
}

TEST_F(JwksParserTest, skipsKeyWhoseAlgDisagreesWithTheBinding) {
    for (const AlgorithmBindings& bindings : {AlgorithmBindings{{"key-RS256", Algorithm::PS256}},
                                              AlgorithmBindings{{"kty:RSA", Algorithm::RS512}}}) {
        const auto parsed =
            parseJwks(jwksOf({jwk(Algorithm::RS256), jwk(Algorithm::ES256)}), bindings);
        ASSERT_TRUE(parsed.ok()) << parsed.status();
        EXPECT_EQ(parsed->keys->summary(), "key-ES256:ES256");
        EXPECT_TRUE(anyContains(parsed->warnings, "JWK says RS256 but configuration binds"))
            << joined(parsed->warnings);
    }
}

TEST_F(JwksParserTest, skipsKeysBoundToAnAlgorithmOfAnotherKeyType) {
    const auto parsed =
        parseJwks(jwksOf({replaced(jwk(Algorithm::RS256), "\"alg\":\"RS256\"", "\"alg\":\"HS256\""),
                          replaced(jwk(Algorithm::HS256), "\"alg\":\"HS256\"", "\"alg\":\"RS256\""),
                          replaced(jwk(Algorithm::EdDSA), "\"alg\":\"EdDSA\"", "\"alg\":\"ES256\""),
                          replaced(jwk(Algorithm::ES256), "\"alg\":\"ES256\"", "\"alg\":\"none\""),
                          jwk(Algorithm::ES384)}),
                  {});
    ASSERT_TRUE(parsed.ok()) << parsed.status();
    EXPECT_EQ(parsed->keys->summary(), "key-ES384:ES384");
    EXPECT_EQ(parsed->warnings.size(), 4u) << joined(parsed->warnings);
}

TEST_F(JwksParserTest, rejectsMalformedDocuments) {
    for (const std::string& json :
         {std::string("{\"keys\":["), std::string("not json"), std::string(""),
          jwksOf({jwk(Algorithm::ES256)}) + "x", std::string("{\"keys\":[\"\xff\"]}")}) {
        const auto parsed = parseJwks(json, {});
        ASSERT_FALSE(parsed.ok()) << json;
        EXPECT_NE(parsed.status().message().find("not valid JSON"), std::string_view::npos)
            << parsed.status();
    }
}

TEST_F(JwksParserTest, rejectsDocumentWithoutAKeysArray) {
    for (const std::string& json :
         {std::string("{}"), std::string("[]"), std::string("{\"keys\":{}}"),
          std::string("{\"keys\":\"none\"}"), std::string("{\"Keys\":[]}"),
          jwk(Algorithm::ES256)}) {
        const auto parsed = parseJwks(json, {});
        ASSERT_FALSE(parsed.ok()) << json;
        EXPECT_NE(parsed.status().message().find("no \"keys\" array"), std::string_view::npos)
            << parsed.status();
    }
}

TEST_F(JwksParserTest, rejectsOversizedDocument) {
    std::string json = jwksOf({jwk(Algorithm::ES256)});
    json.insert(json.size() - 1, std::string(kMaxJwksBytes - json.size() + 1, ' '));
    ASSERT_EQ(json.size(), kMaxJwksBytes + 1);
    const auto parsed = parseJwks(json, {});
    ASSERT_FALSE(parsed.ok());
    EXPECT_NE(parsed.status().message().find("the limit is"), std::string_view::npos)
        << parsed.status();
    json.erase(json.size() - 2, 1);  // exactly at the limit
    EXPECT_TRUE(parseJwks(json, {}).ok());
}

TEST_F(JwksParserTest, rejectsDocumentWithTooManyKeys) {
    std::string json = "{\"keys\":[";
    for (size_t i = 0; i <= kMaxJwksKeys; ++i) {
        json += (i ? "," : "") + octJwk("k" + std::to_string(i), Algorithm::HS256, 32);
    }
    json += "]}";
    const auto parsed = parseJwks(json, {});
    ASSERT_FALSE(parsed.ok());
    EXPECT_NE(parsed.status().message().find("keys; the limit is"), std::string_view::npos)
        << parsed.status();
}

TEST_F(JwksParserTest, rejectsSetWithNoUsableKey) {
    const std::string enc = replaced(jwk(Algorithm::ES256), "\"use\":\"sig\"", "\"use\":\"enc\"");
    for (const std::string& json :
         {std::string("{\"keys\":[]}"), jwksOf({enc}), std::string("{\"keys\":[1,\"x\",null]}"),
          jwksOf({"{\"kty\":\"RSA\",\"kid\":\"r\",\"alg\":\"RS256\"}"}),
          jwksOf({"{\"kty\":\"XYZ\",\"kid\":\"x\",\"alg\":\"RS256\"}"})}) {
        const auto parsed = parseJwks(json, {});
        ASSERT_FALSE(parsed.ok()) << json;
        EXPECT_NE(parsed.status().message().find("no usable key"), std::string_view::npos)
            << parsed.status();
    }
}

TEST_F(JwksParserTest, warnsAboutPrivateMembersButLoadsThePublicKey) {
    const auto parsed =
        parseJwks(jwksOf({withMember(jwk(Algorithm::RS256), "\"d\":\"AQAB\",\"p\":\"AQAB\""),
                          withMember(jwk(Algorithm::ES256), "\"d\":\"AQAB\"")}),
                  {});
    ASSERT_TRUE(parsed.ok()) << parsed.status();
    EXPECT_EQ(parsed->keys->size(), 2u);
    EXPECT_EQ(parsed->warnings.size(), 2u) << joined(parsed->warnings);
    EXPECT_TRUE(anyContains(parsed->warnings, "private key members ignored"));
    expectVerifies(*parsed->keys, keyFor(Algorithm::RS256));
    expectVerifies(*parsed->keys, keyFor(Algorithm::ES256));
}

}  // namespace
}  // namespace rampart::jwt
