#include <gtest/gtest.h>
#include <openssl/bio.h>
#include <openssl/ecdsa.h>
#include <openssl/pem.h>

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "jwt/Base64Url.h"
#include "jwt/JwksParser.h"
#include "jwt/SigningKey.h"
#include "jwt/Verifier.h"

namespace rampart::jwt {
namespace {

constexpr int64_t kNow = 1'700'000'000;
constexpr Algorithm kAllAlgorithms[] = {
    Algorithm::RS256, Algorithm::RS384, Algorithm::RS512, Algorithm::PS256, Algorithm::PS384,
    Algorithm::PS512, Algorithm::ES256, Algorithm::ES384, Algorithm::ES512, Algorithm::EdDSA,
    Algorithm::HS256, Algorithm::HS384, Algorithm::HS512,
};
// The order n of P-256 (SEC 2 §2.4.2).
constexpr char kP256OrderHex[] = "FFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551";

std::string num(int64_t value) { return std::to_string(value); }

std::string kidFor(Algorithm alg) { return std::string("key-") + algorithmName(alg); }

// For every algorithm: the key in the set, and an impostor holding the same kid.
struct KeyPair {
    SigningKey genuine;
    SigningKey impostor;
};

SigningKey generated(Algorithm alg, const std::string& kid) {
    auto key = SigningKey::generate(alg, kid);
    if (!key.ok()) throw std::runtime_error(std::string(key.status().message()));
    return std::move(*key);
}

SigningKey fromPem(Algorithm alg, const std::string& kid, const std::string& pem) {
    auto key = SigningKey::fromPem(alg, kid, pem);
    if (!key.ok()) throw std::runtime_error(std::string(key.status().message()));
    return std::move(*key);
}

// RSA keygen is slow, so the RS* and PS* keys share two RSA keys between them.
const KeyPair& keysFor(Algorithm alg) {
    static const std::map<Algorithm, KeyPair> registry = [] {
        const std::string rsaPem = generated(Algorithm::RS256, "seed").privatePem();
        const std::string otherRsaPem = generated(Algorithm::RS256, "seed").privatePem();
        std::map<Algorithm, KeyPair> keys;
        for (Algorithm alg : kAllAlgorithms) {
            const auto family = keyFamily(alg);
            const bool rsa = family == KeyFamily::Rsa || family == KeyFamily::RsaPss;
            keys.emplace(
                alg, KeyPair{rsa ? fromPem(alg, kidFor(alg), rsaPem) : generated(alg, kidFor(alg)),
                             rsa ? fromPem(alg, kidFor(alg), otherRsaPem)
                                 : generated(alg, kidFor(alg))});
        }
        return keys;
    }();
    return registry.at(alg);
}

const SigningKey& keyFor(Algorithm alg) { return keysFor(alg).genuine; }

std::shared_ptr<KeySet> keySetOf(std::initializer_list<std::string> jwks) {
    auto parsed = parseJwks(jwksOf(jwks), {});
    if (!parsed.ok()) throw std::runtime_error(std::string(parsed.status().message()));
    return parsed->keys;
}

// RS256, ES256, HS256 and EdDSA keys, each under its own kid.
const KeySet& standardKeys() {
    static const auto keys =
        keySetOf({keyFor(Algorithm::RS256).publicJwk(), keyFor(Algorithm::ES256).publicJwk(),
                  keyFor(Algorithm::HS256).publicJwk(), keyFor(Algorithm::EdDSA).publicJwk()});
    return *keys;
}

std::string headerFor(const SigningKey& key, const std::string& extra = "") {
    return "{\"alg\":\"" + std::string(algorithmName(key.alg())) + "\",\"kid\":\"" + key.kid() +
           "\"" + (extra.empty() ? "" : "," + extra) + "}";
}

// {"sub":"alice","exp":now+600} plus `extra` members.
std::string claimsWith(const std::string& extra = "") {
    return "{\"sub\":\"alice\",\"exp\":" + num(kNow + 600) + (extra.empty() ? "" : "," + extra) +
           "}";
}

std::vector<std::string> segmentsOf(const std::string& token) {
    std::vector<std::string> parts;
    size_t start = 0;
    for (size_t dot; (dot = token.find('.', start)) != std::string::npos; start = dot + 1) {
        parts.push_back(token.substr(start, dot - start));
    }
    parts.push_back(token.substr(start));
    return parts;
}

std::string joined(const std::vector<std::string>& parts) {
    std::string out;
    for (size_t i = 0; i < parts.size(); ++i) out += (i ? "." : "") + parts[i];
    return out;
}

// header.payload re-signed by `key`, so that only the part under test is wrong.
std::string signedAs(const SigningKey& key, const std::string& header, const std::string& payload) {
    const std::string input = header + "." + payload;
    return input + "." + key.signBytes(input);
}

std::vector<uint8_t> bytesOf(const std::string& s) { return {s.begin(), s.end()}; }

std::vector<uint8_t> fromHex(std::string_view hex) {
    std::vector<uint8_t> out;
    for (size_t i = 0; i + 1 < hex.size(); i += 2) {
        out.push_back(static_cast<uint8_t>(std::stoi(std::string(hex.substr(i, 2)), nullptr, 16)));
    }
    return out;
}

class VerifierTest : public ::testing::Test {
protected:
    static void SetUpTestSuite() { standardKeys(); }

    VerifyOutcome verify(const std::string& token, VerifierOptions options = {},
                         const KeySet* keys = nullptr) const {
        return Verifier(std::move(options)).verify(token, keys ? *keys : standardKeys(), kNow);
    }

    // Refused with `verdict` and `detail`; the detail never echoes the token or its segments.
    static void expectRefused(const VerifyOutcome& outcome, const std::string& token,
                              std::string_view detail, Verdict verdict = Verdict::InvalidToken) {
        EXPECT_EQ(verdictName(outcome.verdict), verdictName(verdict)) << outcome.detail;
        if (!detail.empty()) {
            EXPECT_EQ(outcome.detail, detail);
        }
        EXPECT_EQ(outcome.claims.subject, "");
        const std::string said(outcome.detail);
        if (!token.empty()) {
            EXPECT_EQ(said.find(token), std::string::npos);
        }
        for (const auto& segment : segmentsOf(token)) {
            if (segment.size() >= 8) {
                EXPECT_EQ(said.find(segment), std::string::npos) << said;
            }
        }
    }

    static void expectAllowed(const VerifyOutcome& outcome) {
        EXPECT_EQ(verdictName(outcome.verdict), verdictName(Verdict::Allow)) << outcome.detail;
    }

    const SigningKey& rsa = keyFor(Algorithm::RS256);
    const SigningKey& ec = keyFor(Algorithm::ES256);
    const SigningKey& hmac = keyFor(Algorithm::HS256);
};

// ---- Every algorithm -------------------------------------------------------------------------

class VerifierAlgorithmTest : public VerifierTest,
                              public ::testing::WithParamInterface<Algorithm> {};

TEST_P(VerifierAlgorithmTest, acceptsValidTokenForEveryAlgorithm) {
    const auto& key = keyFor(GetParam());
    const auto keys = keySetOf({key.publicJwk()});
    const auto outcome = verify(key.mint(claimsWith()), {}, keys.get());
    expectAllowed(outcome);
    EXPECT_EQ(outcome.claims.subject, "alice");
    EXPECT_EQ(outcome.claims.expiresAt, kNow + 600);
}

TEST_P(VerifierAlgorithmTest, rejectsTokenSignedByAnotherKeyWithTheSameKid) {
    const auto keys = keySetOf({keysFor(GetParam()).genuine.publicJwk()});
    const std::string token = keysFor(GetParam()).impostor.mint(claimsWith());
    expectRefused(verify(token, {}, keys.get()), token, "signature does not verify");
}

TEST_P(VerifierAlgorithmTest, rejectsSignatureWithOneByteFlipped) {
    const auto& key = keyFor(GetParam());
    const auto keys = keySetOf({key.publicJwk()});
    auto parts = segmentsOf(key.mint(claimsWith()));
    auto signature = base64UrlDecode(parts[2]).value();
    for (size_t at : {size_t{0}, signature.size() / 2, signature.size() - 1}) {
        auto flipped = signature;
        flipped[at] = static_cast<char>(flipped[at] ^ 0x01);
        parts[2] = base64UrlEncode(flipped);
        const std::string token = joined(parts);
        expectRefused(verify(token, {}, keys.get()), token, "signature does not verify");
    }
}

TEST_P(VerifierAlgorithmTest, rejectsPayloadTamperedAfterSigning) {
    const auto& key = keyFor(GetParam());
    const auto keys = keySetOf({key.publicJwk()});
    auto parts = segmentsOf(key.mint(claimsWith()));
    parts[1] = base64UrlEncode("{\"sub\":\"admin\",\"exp\":" + num(kNow + 600) + "}");
    const std::string token = joined(parts);
    expectRefused(verify(token, {}, keys.get()), token, "signature does not verify");
}

INSTANTIATE_TEST_SUITE_P(AllAlgorithms, VerifierAlgorithmTest, ::testing::ValuesIn(kAllAlgorithms),
                         [](const auto& info) { return std::string(algorithmName(info.param)); });

// ---- Claims extracted ------------------------------------------------------------------------

TEST_F(VerifierTest, extractsRegisteredClaims) {
    const auto outcome = verify(rsa.mint(
        "{\"sub\":\"alice\",\"iss\":\"https://issuer\",\"aud\":\"api\",\"exp\":" + num(kNow + 600) +
        ",\"iat\":" + num(kNow - 5) +
        ",\"jti\":\"id-1\",\"scope\":\"read write\",\"client_id\":\"app-1\",\"azp\":\"other\"}"));
    expectAllowed(outcome);
    const auto& c = outcome.claims;
    EXPECT_EQ(c.subject, "alice");
    EXPECT_EQ(c.issuer, "https://issuer");
    EXPECT_EQ(c.audience, std::vector<std::string>{"api"});
    EXPECT_EQ(c.expiresAt, kNow + 600);
    EXPECT_EQ(c.issuedAt, kNow - 5);
    EXPECT_EQ(c.jwtId, "id-1");
    EXPECT_EQ(c.scope, "read write");
    EXPECT_EQ(c.clientId, "app-1");
}

TEST_F(VerifierTest, extractsAudienceArrayScpArrayAndAzp) {
    const auto outcome = verify(ec.mint(
        claimsWith("\"aud\":[\"api\",\"web\"],\"scp\":[\"read\",\"write\"],\"azp\":\"a\"")));
    expectAllowed(outcome);
    EXPECT_EQ(outcome.claims.audience, (std::vector<std::string>{"api", "web"}));
    EXPECT_EQ(outcome.claims.scope, "read write");
    EXPECT_EQ(outcome.claims.clientId, "a");
    EXPECT_EQ(outcome.claims.issuedAt, 0);
}

TEST_F(VerifierTest, extractsScpString) {
    const auto outcome = verify(ec.mint(claimsWith("\"scp\":\"read\"")));
    expectAllowed(outcome);
    EXPECT_EQ(outcome.claims.scope, "read");
}

TEST_F(VerifierTest, rejectsSubThatIsNotAString) {
    for (const char* sub : {"123", "null", "true", "[\"alice\"]", "{}"}) {
        const std::string token =
            hmac.mint("{\"sub\":" + std::string(sub) + ",\"exp\":" + num(kNow + 600) + "}");
        expectRefused(verify(token), token, "sub is not a string");
    }
}

TEST_F(VerifierTest, rejectsJtiAndScopeOfTheWrongType) {
    std::string token = hmac.mint(claimsWith("\"jti\":7"));
    expectRefused(verify(token), token, "jti is not a string");
    for (const char* scope : {"\"scope\":[\"read\"]", "\"scp\":7", "\"scp\":[\"read\",1]"}) {
        token = hmac.mint(claimsWith(scope));
        expectRefused(verify(token), token, "scope is malformed");
    }
}

// ---- alg ---------------------------------------------------------------------------------------

TEST_F(VerifierTest, rejectsAlgNone) {
    const auto single = keySetOf({rsa.publicJwk()});
    for (const char* none : {"none", "None", "NONE", "nOnE"}) {
        const std::string payload = base64UrlEncode(claimsWith());
        for (const std::string& header : std::vector<std::string>{
                 "{\"alg\":\"" + std::string(none) + "\"}",
                 "{\"alg\":\"" + std::string(none) + "\",\"kid\":\"" + rsa.kid() + "\"}"}) {
            const std::string unsignedToken = base64UrlEncode(header) + "." + payload + ".";
            expectRefused(verify(unsignedToken), unsignedToken, "empty token segment");
            expectRefused(verify(unsignedToken, {}, single.get()), unsignedToken,
                          "empty token segment");
            // Even signed correctly by the key the set holds, the alg is not that key's.
            const std::string signedToken = rsa.sign(header, claimsWith());
            expectRefused(verify(signedToken, {}, single.get()), signedToken,
                          "algorithm does not match the key");
        }
    }
}

TEST_F(VerifierTest, rejectsHs256TokenKeyedWithTheRsaPublicKey) {
    // The classic confusion: an attacker HMACs with the public key the verifier holds.
    const std::string privatePem = rsa.privatePem();
    std::unique_ptr<BIO, decltype(&BIO_free)> in(
        BIO_new_mem_buf(privatePem.data(), static_cast<int>(privatePem.size())), &BIO_free);
    EvpPkeyPtr pkey(PEM_read_bio_PrivateKey(in.get(), nullptr, nullptr, nullptr));
    ASSERT_TRUE(pkey);
    std::unique_ptr<BIO, decltype(&BIO_free)> out(BIO_new(BIO_s_mem()), &BIO_free);
    ASSERT_EQ(PEM_write_bio_PUBKEY(out.get(), pkey.get()), 1);
    char* data = nullptr;
    const long size = BIO_get_mem_data(out.get(), &data);
    const std::string pem(data, size);
    ASSERT_NE(pem.find("PUBLIC KEY"), std::string::npos);

    const auto single = keySetOf({rsa.publicJwk()});
    for (const std::string& secret : std::vector<std::string>{pem, rsa.publicJwk()}) {
        const auto forger = fromPem(Algorithm::HS256, rsa.kid(), secret);
        for (const std::string& header :
             std::vector<std::string>{"{\"alg\":\"HS256\",\"kid\":\"" + rsa.kid() + "\"}",
                                      std::string("{\"alg\":\"HS256\"}")}) {
            const std::string token = forger.sign(header, claimsWith());
            expectRefused(verify(token, {}, single.get()), token,
                          "algorithm does not match the key");
        }
    }
    // Control: the same claims under the key's own algorithm pass.
    expectAllowed(verify(rsa.mint(claimsWith()), {}, single.get()));
}

TEST_F(VerifierTest, rejectsEs256HeaderOnRsaKey) {
    const std::string token =
        ec.sign("{\"alg\":\"ES256\",\"kid\":\"" + rsa.kid() + "\"}", claimsWith());
    expectRefused(verify(token), token, "algorithm does not match the key");
    expectAllowed(verify(ec.mint(claimsWith())));
}

TEST_F(VerifierTest, rejectsPssHeaderOnKeyBoundToPkcs1) {
    // Same RSA key, other padding: the key is bound to RS256 only (RFC 8725 §3.1).
    const auto& pss = keyFor(Algorithm::PS256);
    const std::string token =
        pss.sign("{\"alg\":\"PS256\",\"kid\":\"" + rsa.kid() + "\"}", claimsWith());
    expectRefused(verify(token), token, "algorithm does not match the key");
}

TEST_F(VerifierTest, rejectsAlgThatIsMissingOrNotAString) {
    for (const std::string& header : std::vector<std::string>{
             "{\"kid\":\"" + hmac.kid() + "\"}", "{\"alg\":256,\"kid\":\"" + hmac.kid() + "\"}",
             "{\"alg\":[\"HS256\"],\"kid\":\"" + hmac.kid() + "\"}"}) {
        const std::string token = hmac.sign(header, claimsWith());
        expectRefused(verify(token), token, "header has no alg");
    }
    // RFC 7515 §4.1.1: alg values are case-sensitive.
    const std::string lower =
        hmac.sign("{\"alg\":\"hs256\",\"kid\":\"" + hmac.kid() + "\"}", claimsWith());
    expectRefused(verify(lower), lower, "algorithm does not match the key");
}

// ---- kid ---------------------------------------------------------------------------------------

TEST_F(VerifierTest, rejectsUnknownKid) {
    const std::string token =
        hmac.sign("{\"alg\":\"HS256\",\"kid\":\"" + hmac.kid() + "-old\"}", claimsWith());
    expectRefused(verify(token), token, "unknown kid");
}

TEST_F(VerifierTest, rejectsTokenWithoutKidWhenTheSetHasSeveralKeys) {
    const std::string token = hmac.sign("{\"alg\":\"HS256\"}", claimsWith());
    expectRefused(verify(token), token, "token has no kid and the key set has several keys");
    const auto two = keySetOf({hmac.publicJwk(), ec.publicJwk()});
    expectRefused(verify(token, {}, two.get()), token,
                  "token has no kid and the key set has several keys");
}

TEST_F(VerifierTest, acceptsTokenWithoutKidWhenTheSetHasOneKey) {
    const auto single = keySetOf({hmac.publicJwk()});
    expectAllowed(verify(hmac.sign("{\"alg\":\"HS256\"}", claimsWith()), {}, single.get()));
}

TEST_F(VerifierTest, rejectsKidThatIsNotAString) {
    const auto single = keySetOf({hmac.publicJwk()});
    for (const char* kid : {"1", "null", "[\"key-HS256\"]", "{}", "true"}) {
        const std::string token =
            hmac.sign("{\"alg\":\"HS256\",\"kid\":" + std::string(kid) + "}", claimsWith());
        expectRefused(verify(token, {}, single.get()), token, "kid is not a string");
    }
}

// ---- crit and key-bearing headers
// ----------------------------------------------------------------

TEST_F(VerifierTest, rejectsAnyCriticalHeader) {
    for (const char* crit : {"\"crit\":[\"exp\"],\"exp\":1", "\"crit\":[\"b64\"],\"b64\":false",
                             "\"crit\":[]", "\"crit\":\"exp\"", "\"crit\":null", "\"crit\":{}"}) {
        const std::string token = hmac.sign(headerFor(hmac, crit), claimsWith());
        expectRefused(verify(token), token, "header has a critical extension");
    }
    expectAllowed(verify(hmac.sign(headerFor(hmac, "\"exp\":1"), claimsWith())));
}

TEST_F(VerifierTest, neverTrustsKeysReferencedOrEmbeddedInTheHeader) {
    const auto attacker = generated(Algorithm::ES256, "attacker");
    const auto impostor = generated(Algorithm::ES256, ec.kid());
    const std::string jku = "\"jku\":\"https://attacker.example/jwks.json\"";
    const std::string x5u = "\"x5u\":\"https://attacker.example/cert.pem\"";
    const std::string x5c = "\"x5c\":[\"MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEA\"]";
    for (const std::string& extra : std::vector<std::string>{
             jku, x5u, x5c, "\"jwk\":" + attacker.publicJwk(), "\"jwk\":" + impostor.publicJwk()}) {
        // A kid of the attacker's own: unknown, however the header says to fetch it.
        std::string token = attacker.sign(headerFor(attacker, extra), claimsWith());
        expectRefused(verify(token), token, "unknown kid");
        // A kid colliding with a real key: the real key decides, and it did not sign.
        token = impostor.sign(headerFor(impostor, extra), claimsWith());
        expectRefused(verify(token), token, "signature does not verify");
    }
    // The parameters are ignored, not trusted: a genuine token carrying them still verifies.
    expectAllowed(verify(ec.sign(headerFor(ec, jku), claimsWith())));
}

// ---- ECDSA signature form --------------------------------------------------------------------

class VerifierEcdsaTest : public VerifierTest {
protected:
    // A valid ES256 token split into signing input and its raw r‖s.
    void SetUp() override {
        const std::string token = ec.mint(claimsWith());
        const size_t dot = token.rfind('.');
        input = token.substr(0, dot);
        const auto raw = base64UrlDecode(token.substr(dot + 1)).value();
        ASSERT_EQ(raw.size(), 64u);
        r = bytesOf(raw.substr(0, 32));
        s = bytesOf(raw.substr(32));
    }

    std::string withSignature(const std::vector<uint8_t>& first,
                              const std::vector<uint8_t>& second) const {
        std::vector<uint8_t> sig = first;
        sig.insert(sig.end(), second.begin(), second.end());
        return input + "." + base64UrlEncode(sig);
    }

    std::string input;
    std::vector<uint8_t> r, s;
};

TEST_F(VerifierEcdsaTest, rejectsDerEncodedSignature) {
    EcdsaSigPtr sig(ECDSA_SIG_new());
    ASSERT_EQ(ECDSA_SIG_set0(sig.get(), BN_bin2bn(r.data(), 32, nullptr),
                             BN_bin2bn(s.data(), 32, nullptr)),
              1);
    uint8_t* der = nullptr;
    const int size = i2d_ECDSA_SIG(sig.get(), &der);
    ASSERT_GT(size, 0);
    const std::string token =
        input + "." + base64UrlEncode(std::span<const uint8_t>(der, static_cast<size_t>(size)));
    OPENSSL_free(der);
    expectRefused(verify(token), token, "signature does not verify");
    expectAllowed(verify(withSignature(r, s)));
}

TEST_F(VerifierEcdsaTest, rejectsPsychicSignature) {
    // CVE-2022-21449: r = s = 0 satisfies a verifier that skips the range check.
    const std::vector<uint8_t> zero(32, 0);
    const std::string token = withSignature(zero, zero);
    expectRefused(verify(token), token, "signature does not verify");
    for (Algorithm alg : {Algorithm::ES256, Algorithm::ES384, Algorithm::ES512}) {
        const auto& key = keyFor(alg);
        const auto keys = keySetOf({key.publicJwk()});
        const std::string minted = key.mint(claimsWith());
        const std::string zeros = minted.substr(0, minted.rfind('.') + 1) +
                                  base64UrlEncode(std::string(2 * ecdsaComponentBytes(alg), '\0'));
        expectRefused(verify(zeros, {}, keys.get()), zeros, "signature does not verify");
    }
}

TEST_F(VerifierEcdsaTest, rejectsScalarsOutsideOneToOrderMinusOne) {
    const std::vector<uint8_t> zero(32, 0);
    const auto n = fromHex(kP256OrderHex);
    const std::vector<uint8_t> max(32, 0xff);
    for (const auto& token :
         {withSignature(zero, s), withSignature(r, zero), withSignature(n, s), withSignature(r, n),
          withSignature(n, n), withSignature(max, s), withSignature(r, max)}) {
        expectRefused(verify(token), token, "signature does not verify");
    }
    expectAllowed(verify(withSignature(r, s)));
}

TEST_F(VerifierEcdsaTest, rejectsSignatureOfTheWrongLength) {
    std::vector<uint8_t> shortS(s.begin() + 1, s.end());
    std::vector<uint8_t> longS = s;
    longS.push_back(0);
    std::vector<uint8_t> paddedS = {0};
    paddedS.insert(paddedS.end(), s.begin(), s.end());
    const std::vector<uint8_t> none;
    for (const auto& token : {withSignature(r, shortS), withSignature(r, longS),
                              withSignature(r, paddedS), withSignature(r, none),
                              withSignature(r, std::vector<uint8_t>(s.begin(), s.begin() + 16))}) {
        expectRefused(verify(token), token, "signature does not verify");
    }
}

// ---- Encoding --------------------------------------------------------------------------------

TEST_F(VerifierTest, rejectsMalformedBase64UrlInEverySegment) {
    const auto parts = segmentsOf(hmac.mint(claimsWith()));
    const auto corruptions = [](const std::string& segment) {
        return std::vector<std::string>{segment + "=",
                                        segment + "==",
                                        segment.substr(0, 2) + "+" + segment.substr(3),
                                        segment.substr(0, 2) + "/" + segment.substr(3),
                                        segment.substr(0, 4) + " " + segment.substr(4),
                                        segment.substr(0, 4) + "\n" + segment.substr(4),
                                        segment + "\t",
                                        " " + segment,
                                        segment.substr(0, 4) + "%" + segment.substr(5)};
    };
    for (const auto& header : corruptions(parts[0])) {
        const std::string token = signedAs(hmac, header, parts[1]);
        expectRefused(verify(token), token, "malformed header");
    }
    for (const auto& payload : corruptions(parts[1])) {
        const std::string token = signedAs(hmac, parts[0], payload);
        expectRefused(verify(token), token, "malformed claims");
    }
    for (const auto& signature : corruptions(parts[2])) {
        const std::string token = parts[0] + "." + parts[1] + "." + signature;
        expectRefused(verify(token), token, "malformed signature");
    }
    expectAllowed(verify(joined(parts)));
}

TEST_F(VerifierTest, rejectsNonCanonicalBase64Url) {
    // A segment of 3k+2 bytes ends in a character with two unused bits; setting one of them
    // decodes to the same bytes, so a lenient decoder would accept a second spelling.
    const auto parts = segmentsOf(hmac.mint(claimsWith()));
    std::string claims = claimsWith();
    while (claims.size() % 3 != 2) claims += ' ';
    const std::string payload = base64UrlEncode(claims);
    constexpr std::string_view kAlphabet =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    std::string stray = payload;
    stray.back() = kAlphabet[kAlphabet.find(payload.back()) ^ 1];
    const std::string token = signedAs(hmac, parts[0], stray);
    expectRefused(verify(token), token, "malformed claims");
    expectAllowed(verify(signedAs(hmac, parts[0], payload)));
}

TEST_F(VerifierTest, rejectsMalformedJson) {
    for (const std::string& header : std::vector<std::string>{
             "{\"alg\":\"HS256\",\"kid\":\"" + hmac.kid() + "\"", "{alg:\"HS256\"}",
             "{\"alg\":\"HS256\",\"kid\":\"" + hmac.kid() + "\"}x",
             "{\"alg\":\"HS256\",\"kid\":\"" + hmac.kid() + "\",}", std::string("")}) {
        const std::string token =
            signedAs(hmac, base64UrlEncode(header), base64UrlEncode(claimsWith()));
        expectRefused(verify(token), token, "malformed header");
    }
    for (const std::string& claims :
         std::vector<std::string>{"{\"sub\":\"alice\"", claimsWith() + "}",
                                  std::string("{\"sub\":'alice'}"), claimsWith() + "{}"}) {
        const std::string token = hmac.sign(headerFor(hmac), claims);
        expectRefused(verify(token), token, "malformed claims");
    }
}

TEST_F(VerifierTest, rejectsHeaderOrClaimsThatAreNotAnObject) {
    for (const std::string& json :
         std::vector<std::string>{"[\"HS256\"]", "\"HS256\"", "256", "null", "true"}) {
        std::string token = hmac.sign(json, claimsWith());
        expectRefused(verify(token), token, "malformed header");
        token = hmac.sign(headerFor(hmac), json);
        expectRefused(verify(token), token, "malformed claims");
    }
}

TEST_F(VerifierTest, rejectsDuplicateMemberNames) {
    for (const std::string& header : std::vector<std::string>{
             "{\"alg\":\"HS256\",\"kid\":\"" + hmac.kid() + "\",\"alg\":\"none\"}",
             "{\"kid\":\"other\",\"alg\":\"HS256\",\"kid\":\"" + hmac.kid() + "\"}",
             "{\"alg\":\"HS256\",\"kid\":\"" + hmac.kid() + "\",\"al\\u0067\":\"HS256\"}"}) {
        const std::string token = hmac.sign(header, claimsWith());
        expectRefused(verify(token), token, "malformed header");
    }
    // Many members, so the hashed path is used as well as the pairwise one.
    std::string many;
    for (int i = 0; i < 40; ++i) many += "\"c" + num(i) + "\":" + num(i) + ",";
    for (const std::string& claims : std::vector<std::string>{
             claimsWith("\"sub\":\"admin\""), claimsWith("\"exp\":" + num(kNow + 999999)),
             "{" + many + "\"sub\":\"alice\",\"exp\":" + num(kNow + 600) + ",\"c39\":0}"}) {
        const std::string token = hmac.sign(headerFor(hmac), claims);
        expectRefused(verify(token), token, "malformed claims");
    }
    expectAllowed(verify(hmac.sign(headerFor(hmac), "{" + many + claimsWith().substr(1))));
}

TEST_F(VerifierTest, rejectsInvalidUtf8InJson) {
    for (const std::string& bad : std::vector<std::string>{
             std::string("\xff"), std::string("\xc0\xaf"), std::string("\xed\xa0\x80"),
             std::string("\xe2\x82"), std::string("\\ud800")}) {
        std::string token = hmac.sign(headerFor(hmac, "\"x\":\"" + bad + "\""), claimsWith());
        expectRefused(verify(token), token, "malformed header");
        token = hmac.sign(headerFor(hmac), claimsWith("\"x\":\"" + bad + "\""));
        expectRefused(verify(token), token, "malformed claims");
    }
    expectAllowed(verify(hmac.sign(headerFor(hmac), claimsWith("\"x\":\"\xc3\xa9\\u00e9\""))));
}

// ---- Structure and size ------------------------------------------------------------------------

TEST_F(VerifierTest, rejectsTokensWithoutExactlyThreeSegments) {
    const auto parts = segmentsOf(hmac.mint(claimsWith()));
    const std::string jweHeader = base64UrlEncode(
        "{\"alg\":\"RSA-OAEP\",\"enc\":\"A256GCM\",\"kid\":\"" + hmac.kid() + "\"}");
    for (const std::string& token : std::vector<std::string>{
             parts[0], parts[0] + "." + parts[1], joined(parts) + "." + parts[2],
             joined(parts) + "." + parts[2] + "." + parts[2], joined(parts) + ".",
             jweHeader + ".AAAA.BBBB.CCCC.DDDD"}) {
        expectRefused(verify(token), token, "token does not have three segments");
    }
}

TEST_F(VerifierTest, rejectsEmptySegments) {
    const auto parts = segmentsOf(hmac.mint(claimsWith()));
    expectRefused(verify(""), "", "no token");
    expectRefused(verify(".."), "..", "");
    std::string token = parts[0] + ".." + parts[2];
    expectRefused(verify(token), token, "empty token segment");
    token = parts[0] + "." + parts[1] + ".";
    expectRefused(verify(token), token, "empty token segment");
    token = "." + parts[1] + "." + parts[2];
    expectRefused(verify(token), token, "malformed header");
}

TEST_F(VerifierTest, rejectsOversizedTokenBeforeAnyParsing) {
    const std::string garbage(8 * 1024 + 1, '!');
    expectRefused(verify(garbage), garbage, "token exceeds the size limit");
    const std::string huge(1 << 20, 'A');
    expectRefused(verify(huge), huge, "token exceeds the size limit");
}

TEST_F(VerifierTest, parsesTokenExactlyAtTheSizeLimit) {
    // Pad the claims (and, for the lengths base64url cannot reach, the header) to hit 8 KiB.
    const size_t limit = VerifierOptions{}.maxTokenBytes;
    std::string exact;
    for (int headerPad = 0; headerPad < 3 && exact.empty(); ++headerPad) {
        const std::string header =
            headerFor(hmac, "\"typ\":\"JWT" + std::string(headerPad, ' ') + "\"");
        for (size_t pad = 5000; pad < 7000; ++pad) {
            const std::string token =
                hmac.sign(header, claimsWith("\"pad\":\"" + std::string(pad, 'x') + "\""));
            if (token.size() == limit) exact = token;
            if (token.size() >= limit) break;
        }
    }
    ASSERT_EQ(exact.size(), limit);
    expectAllowed(verify(exact));
    const std::string over =
        hmac.sign(headerFor(hmac), claimsWith("\"pad\":\"" + std::string(6200, 'x') + "\""));
    ASSERT_GT(over.size(), limit);
    expectRefused(verify(over), over, "token exceeds the size limit");
}

TEST_F(VerifierTest, honoursAConfiguredSmallerLimit) {
    const std::string token = hmac.mint(claimsWith());
    VerifierOptions options;
    options.maxTokenBytes = token.size();
    expectAllowed(verify(token, options));
    options.maxTokenBytes = token.size() - 1;
    expectRefused(verify(token, options), token, "token exceeds the size limit");
}

// ---- Time ----------------------------------------------------------------------------------

TEST_F(VerifierTest, requiresExpByDefault) {
    const std::string token = hmac.mint("{\"sub\":\"alice\"}");
    expectRefused(verify(token), token, "token has no exp");
    VerifierOptions optional;
    optional.requireExp = false;
    const auto outcome = verify(token, optional);
    expectAllowed(outcome);
    EXPECT_EQ(outcome.claims.expiresAt, 0);
}

TEST_F(VerifierTest, rejectsExpiredTokenAsExpired) {
    const std::string token = hmac.mint("{\"exp\":" + num(kNow - 3600) + "}");
    expectRefused(verify(token), token, "token has expired", Verdict::Expired);
    VerifierOptions optional;
    optional.requireExp = false;  // present exp is enforced all the same
    expectRefused(verify(token, optional), token, "token has expired", Verdict::Expired);
}

TEST_F(VerifierTest, appliesLeewayToExpUpToButExcludingExpPlusLeeway) {
    expectAllowed(verify(hmac.mint("{\"exp\":" + num(kNow - 29) + "}")));
    const std::string atEdge = hmac.mint("{\"exp\":" + num(kNow - 30) + "}");
    expectRefused(verify(atEdge), atEdge, "token has expired", Verdict::Expired);

    VerifierOptions strict;
    strict.leewaySeconds = 0;
    expectAllowed(verify(hmac.mint("{\"exp\":" + num(kNow + 1) + "}"), strict));
    const std::string atExp = hmac.mint("{\"exp\":" + num(kNow) + "}");
    expectRefused(verify(atExp, strict), atExp, "token has expired", Verdict::Expired);
}

TEST_F(VerifierTest, rejectsTokenBeforeNbfBeyondLeeway) {
    const std::string early = hmac.mint(claimsWith("\"nbf\":" + num(kNow + 31)));
    expectRefused(verify(early), early, "token is not yet valid");
    expectAllowed(verify(hmac.mint(claimsWith("\"nbf\":" + num(kNow + 30)))));
    expectAllowed(verify(hmac.mint(claimsWith("\"nbf\":" + num(kNow)))));
}

TEST_F(VerifierTest, rejectsIatInTheFutureBeyondLeeway) {
    const std::string future = hmac.mint(claimsWith("\"iat\":" + num(kNow + 31)));
    expectRefused(verify(future), future, "token was issued in the future");
    expectAllowed(verify(hmac.mint(claimsWith("\"iat\":" + num(kNow + 30)))));
}

TEST_F(VerifierTest, rejectsNumericDatesThatAreNotNumbers) {
    for (const std::string& value :
         std::vector<std::string>{"\"" + num(kNow + 600) + "\"", std::string("true"),
                                  std::string("null"), std::string("[1]"), std::string("{}")}) {
        std::string token = hmac.mint("{\"exp\":" + value + "}");
        expectRefused(verify(token), token, "exp is not a NumericDate");
        token = hmac.mint(claimsWith("\"nbf\":" + value));
        expectRefused(verify(token), token, "nbf is not a NumericDate");
        token = hmac.mint(claimsWith("\"iat\":" + value));
        expectRefused(verify(token), token, "iat is not a NumericDate");
    }
}

TEST_F(VerifierTest, acceptsFractionalNumericDates) {
    const auto outcome =
        verify(hmac.mint("{\"exp\":" + num(kNow + 100) + ".75,\"nbf\":" + num(kNow) +
                         ".5,\"iat\":" + num(kNow - 2) + ".25}"));
    expectAllowed(outcome);
    EXPECT_EQ(outcome.claims.expiresAt, kNow + 100);
    EXPECT_EQ(outcome.claims.issuedAt, kNow - 2);
    // Fractions count: exp + leeway = now + 0.5 still lies ahead, now - 0.5 does not.
    expectAllowed(verify(hmac.mint("{\"exp\":" + num(kNow - 30) + ".5}")));
    const std::string gone = hmac.mint("{\"exp\":" + num(kNow - 31) + ".5}");
    expectRefused(verify(gone), gone, "token has expired", Verdict::Expired);
    // Exponent notation is a JSON number like any other.
    expectAllowed(verify(hmac.mint("{\"exp\":1.7000006e9}")));
}

// ---- Issuer and audience
// -------------------------------------------------------------------------

TEST_F(VerifierTest, enforcesTheIssuerAllowlist) {
    VerifierOptions options;
    options.issuers = {"https://issuer.example", "https://other.example"};
    expectAllowed(verify(hmac.mint(claimsWith("\"iss\":\"https://other.example\"")), options));
    for (const std::string& iss :
         std::vector<std::string>{"\"https://evil.example\"", "\"https://Issuer.example\"",
                                  "\"https://issuer.example/\"", "\"\""}) {
        const std::string token = hmac.mint(claimsWith("\"iss\":" + iss));
        expectRefused(verify(token, options), token, "issuer is not allowed");
    }
    const std::string missing = hmac.mint(claimsWith());
    expectRefused(verify(missing, options), missing, "token has no iss");
    expectAllowed(verify(missing));  // no allowlist, no requirement
}

TEST_F(VerifierTest, rejectsIssThatIsNotAString) {
    VerifierOptions options;
    options.issuers = {"https://issuer.example"};
    for (const char* iss : {"1", "null", "[\"https://issuer.example\"]"}) {
        const std::string token = hmac.mint(claimsWith("\"iss\":" + std::string(iss)));
        expectRefused(verify(token, options), token, "iss is not a string");
        expectRefused(verify(token), token, "iss is not a string");
    }
}

TEST_F(VerifierTest, matchesAudienceAsStringOrArray) {
    VerifierOptions options;
    options.audiences = {"api", "admin"};
    expectAllowed(verify(hmac.mint(claimsWith("\"aud\":\"api\"")), options));
    expectAllowed(verify(hmac.mint(claimsWith("\"aud\":[\"web\",\"admin\"]")), options));
    for (const char* aud : {"\"web\"", "[\"web\",\"mobile\"]", "[]", "\"API\"", "\"api \""}) {
        const std::string token = hmac.mint(claimsWith("\"aud\":" + std::string(aud)));
        expectRefused(verify(token, options), token, "audience does not match");
    }
}

TEST_F(VerifierTest, rejectsMissingAudienceWhenAudiencesConfigured) {
    VerifierOptions options;
    options.audiences = {"api"};
    const std::string token = hmac.mint(claimsWith());
    expectRefused(verify(token, options), token, "audience does not match");
    expectAllowed(verify(token));
}

TEST_F(VerifierTest, rejectsAudienceOfTheWrongType) {
    VerifierOptions options;
    options.audiences = {"api"};
    for (const char* aud : {"1", "[\"api\",1]", "[1]", "{\"api\":true}", "null", "[[\"api\"]]"}) {
        const std::string token = hmac.mint(claimsWith("\"aud\":" + std::string(aud)));
        expectRefused(verify(token, options), token, "aud is not a string or array of strings");
        expectRefused(verify(token), token, "aud is not a string or array of strings");
    }
}

}  // namespace
}  // namespace rampart::jwt
