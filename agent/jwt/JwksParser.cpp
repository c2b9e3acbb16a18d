#include "jwt/JwksParser.h"

#include <openssl/core_names.h>
#include <openssl/param_build.h>
#include <rapidjson/document.h>
#include <rapidjson/error/en.h>

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "jwt/Base64Url.h"

namespace rampart::jwt {
namespace {

using rapidjson::Value;

struct ParamBldFree {
    void operator()(OSSL_PARAM_BLD* p) const { OSSL_PARAM_BLD_free(p); }
};
struct ParamFree {
    void operator()(OSSL_PARAM* p) const { OSSL_PARAM_free(p); }
};

// RFC 7518 §3.3: RSA keys of 2048 bits or more.
constexpr int kMinRsaBits = 2048;

std::optional<std::string> memberString(const Value& jwk, const char* name) {
    auto it = jwk.FindMember(name);
    if (it == jwk.MemberEnd() || !it->value.IsString()) return std::nullopt;
    return std::string(it->value.GetString(), it->value.GetStringLength());
}

absl::StatusOr<std::string> requiredBytes(const Value& jwk, const char* name) {
    auto text = memberString(jwk, name);
    if (!text) return absl::InvalidArgumentError(absl::StrCat("missing member \"", name, "\""));
    auto bytes = base64UrlDecode(*text);
    if (!bytes || bytes->empty()) {
        return absl::InvalidArgumentError(absl::StrCat("\"", name, "\" is not base64url"));
    }
    return *bytes;
}

EvpPkeyPtr keyFromParams(const char* type, OSSL_PARAM_BLD* builder) {
    std::unique_ptr<OSSL_PARAM, ParamFree> params(OSSL_PARAM_BLD_to_param(builder));
    if (!params) return nullptr;
    EvpPkeyCtxPtr ctx(EVP_PKEY_CTX_new_from_name(nullptr, type, nullptr));
    EVP_PKEY* key = nullptr;
    if (!ctx || EVP_PKEY_fromdata_init(ctx.get()) <= 0 ||
        EVP_PKEY_fromdata(ctx.get(), &key, EVP_PKEY_PUBLIC_KEY, params.get()) <= 0) {
        return nullptr;
    }
    return EvpPkeyPtr(key);
}

absl::Status loadRsa(const Value& jwk, VerificationKey& key) {
    const auto family = keyFamily(key.alg);
    if (family != KeyFamily::Rsa && family != KeyFamily::RsaPss) {
        return absl::InvalidArgumentError("an RSA key must be bound to RS* or PS*");
    }
    auto n = requiredBytes(jwk, "n");
    if (!n.ok()) return n.status();
    auto e = requiredBytes(jwk, "e");
    if (!e.ok()) return e.status();

    BignumPtr bnN(BN_bin2bn(reinterpret_cast<const uint8_t*>(n->data()), n->size(), nullptr));
    BignumPtr bnE(BN_bin2bn(reinterpret_cast<const uint8_t*>(e->data()), e->size(), nullptr));
    // An exponent of 1 makes every "signature" verify; even or tiny exponents are never
    // legitimate (NIST SP 800-56B §6.2: odd, at least 65537; 3 is still seen in old keys).
    if (bnE && (!BN_is_odd(bnE.get()) || BN_get_word(bnE.get()) < 3)) {
        return absl::InvalidArgumentError("RSA public exponent must be odd and at least 3");
    }
    std::unique_ptr<OSSL_PARAM_BLD, ParamBldFree> builder(OSSL_PARAM_BLD_new());
    if (!bnN || !bnE || !builder ||
        !OSSL_PARAM_BLD_push_BN(builder.get(), OSSL_PKEY_PARAM_RSA_N, bnN.get()) ||
        !OSSL_PARAM_BLD_push_BN(builder.get(), OSSL_PKEY_PARAM_RSA_E, bnE.get())) {
        return absl::InternalError(lastOpenSslError());
    }
    key.publicKey = keyFromParams("RSA", builder.get());
    if (!key.publicKey) return absl::InvalidArgumentError("not a valid RSA public key");
    key.bits = EVP_PKEY_get_bits(key.publicKey.get());
    if (key.bits < kMinRsaBits) {
        return absl::InvalidArgumentError(
            absl::StrCat("RSA key of ", key.bits, " bits; at least ", kMinRsaBits, " required"));
    }
    return absl::OkStatus();
}

struct Curve {
    std::string_view jwkName;
    const char* opensslName;
    Algorithm alg;
};
constexpr Curve kCurves[] = {
    {"P-256", "P-256", Algorithm::ES256},
    {"P-384", "P-384", Algorithm::ES384},
    {"P-521", "P-521", Algorithm::ES512},
};

absl::Status loadEc(const Value& jwk, VerificationKey& key) {
    const auto crv = memberString(jwk, "crv").value_or("");
    const auto* curve = std::find_if(std::begin(kCurves), std::end(kCurves),
                                     [&](const Curve& c) { return c.jwkName == crv; });
    if (curve == std::end(kCurves)) {
        return absl::InvalidArgumentError(absl::StrCat("unsupported EC curve \"", crv, "\""));
    }
    // RFC 7518 §3.4: each ECDSA algorithm names its curve; a key on another curve is a mismatch.
    if (curve->alg != key.alg) {
        return absl::InvalidArgumentError(
            absl::StrCat("curve ", crv, " cannot be used with ", algorithmName(key.alg)));
    }
    auto x = requiredBytes(jwk, "x");
    if (!x.ok()) return x.status();
    auto y = requiredBytes(jwk, "y");
    if (!y.ok()) return y.status();
    const size_t width = ecdsaComponentBytes(key.alg);
    // RFC 7518 §6.2.1.2: x and y are the full width of the field, leading zeros kept.
    if (x->size() != width || y->size() != width) {
        return absl::InvalidArgumentError("EC coordinates have the wrong length for the curve");
    }
    std::string point = "\x04" + *x + *y;  // SEC1 uncompressed point

    std::unique_ptr<OSSL_PARAM_BLD, ParamBldFree> builder(OSSL_PARAM_BLD_new());
    if (!builder ||
        !OSSL_PARAM_BLD_push_utf8_string(builder.get(), OSSL_PKEY_PARAM_GROUP_NAME,
                                         curve->opensslName, 0) ||
        !OSSL_PARAM_BLD_push_octet_string(builder.get(), OSSL_PKEY_PARAM_PUB_KEY, point.data(),
                                          point.size())) {
        return absl::InternalError(lastOpenSslError());
    }
    key.publicKey = keyFromParams("EC", builder.get());
    if (!key.publicKey) return absl::InvalidArgumentError("EC point is not on the curve");
    // An invalid-curve point must never reach verification.
    EvpPkeyCtxPtr check(EVP_PKEY_CTX_new_from_pkey(nullptr, key.publicKey.get(), nullptr));
    if (!check || EVP_PKEY_public_check(check.get()) != 1) {
        return absl::InvalidArgumentError("EC public key fails validation");
    }
    BIGNUM* order = nullptr;
    if (!EVP_PKEY_get_bn_param(key.publicKey.get(), OSSL_PKEY_PARAM_EC_ORDER, &order)) {
        return absl::InternalError(lastOpenSslError());
    }
    BignumPtr owned(order);
    key.ecOrder.assign(width, 0);
    if (BN_bn2binpad(order, key.ecOrder.data(), static_cast<int>(width)) < 0) {
        return absl::InternalError("EC order does not fit");
    }
    key.bits = EVP_PKEY_get_bits(key.publicKey.get());
    return absl::OkStatus();
}

absl::Status loadOkp(const Value& jwk, VerificationKey& key) {
    if (key.alg != Algorithm::EdDSA) {
        return absl::InvalidArgumentError("an OKP key must be bound to EdDSA");
    }
    const auto crv = memberString(jwk, "crv").value_or("");
    int type = 0;
    size_t size = 0;
    if (crv == "Ed25519") {
        type = EVP_PKEY_ED25519;
        size = 32;
    } else if (crv == "Ed448") {
        type = EVP_PKEY_ED448;
        size = 57;
    } else {
        return absl::InvalidArgumentError(absl::StrCat("unsupported OKP curve \"", crv, "\""));
    }
    auto x = requiredBytes(jwk, "x");
    if (!x.ok()) return x.status();
    if (x->size() != size) return absl::InvalidArgumentError("OKP key has the wrong length");
    key.publicKey.reset(EVP_PKEY_new_raw_public_key(
        type, nullptr, reinterpret_cast<const uint8_t*>(x->data()), x->size()));
    if (!key.publicKey) return absl::InvalidArgumentError("not a valid OKP public key");
    key.bits = EVP_PKEY_get_bits(key.publicKey.get());
    return absl::OkStatus();
}

absl::Status loadOct(const Value& jwk, VerificationKey& key) {
    if (keyFamily(key.alg) != KeyFamily::Hmac) {
        return absl::InvalidArgumentError("an oct key must be bound to HS*");
    }
    auto k = requiredBytes(jwk, "k");
    if (!k.ok()) return k.status();
    // RFC 7518 §3.2: a key of the same size as the hash output or larger.
    const size_t minBytes = EVP_MD_get_size(key.digest.get());
    if (k->size() < minBytes) {
        return absl::InvalidArgumentError(absl::StrCat("HMAC key of ", k->size(),
                                                       " bytes; at least ", minBytes, " required"));
    }
    key.bits = static_cast<int>(k->size() * 8);
    key.secret = SecretBytes(std::move(*k));
    return absl::OkStatus();
}

// The algorithm this key is bound to: the JWK's own "alg", or one set in configuration.
absl::StatusOr<Algorithm> bindAlgorithm(const Value& jwk, const std::string& kid,
                                        const std::string& kty,
                                        const AlgorithmBindings& bindings) {
    std::optional<Algorithm> configured;
    if (auto it = bindings.find(kid); !kid.empty() && it != bindings.end()) {
        configured = it->second;
    } else if (auto byType = bindings.find("kty:" + kty); byType != bindings.end()) {
        configured = byType->second;
    }
    if (auto it = jwk.FindMember("alg"); it != jwk.MemberEnd()) {
        if (!it->value.IsString()) return absl::InvalidArgumentError("\"alg\" is not a string");
        const std::string name(it->value.GetString(), it->value.GetStringLength());
        auto alg = parseAlgorithm(name);
        if (!alg) return absl::InvalidArgumentError(absl::StrCat("unsupported alg \"", name, "\""));
        if (configured && *configured != *alg) {
            return absl::InvalidArgumentError(absl::StrCat(
                "JWK says ", name, " but configuration binds ", algorithmName(*configured)));
        }
        return *alg;
    }
    if (configured) return *configured;
    return absl::InvalidArgumentError(
        "no \"alg\": set it in the JWKS or bind one in jwt.keys.algorithms");
}

bool hasPrivateMembers(const Value& jwk) {
    for (const char* name : {"d", "p", "q", "dp", "dq", "qi"}) {
        if (jwk.HasMember(name)) return true;
    }
    return false;
}

absl::StatusOr<VerificationKey> loadKey(const Value& jwk, const AlgorithmBindings& bindings,
                                        std::vector<std::string>& warnings) {
    if (!jwk.IsObject()) return absl::InvalidArgumentError("not a JSON object");
    VerificationKey key;
    if (auto it = jwk.FindMember("kid"); it != jwk.MemberEnd()) {
        if (!it->value.IsString()) return absl::InvalidArgumentError("\"kid\" is not a string");
        key.kid.assign(it->value.GetString(), it->value.GetStringLength());
    }
    const auto kty = memberString(jwk, "kty");
    if (!kty) return absl::InvalidArgumentError("missing \"kty\"");

    auto alg = bindAlgorithm(jwk, key.kid, *kty, bindings);
    if (!alg.ok()) return alg.status();
    key.alg = *alg;
    if (auto digest = digestName(key.alg); !digest.empty()) {
        key.digest = fetchDigest(std::string(digest).c_str());
        if (!key.digest) return absl::InternalError(lastOpenSslError());
    }

    absl::Status loaded;
    if (*kty == "RSA") {
        loaded = loadRsa(jwk, key);
    } else if (*kty == "EC") {
        loaded = loadEc(jwk, key);
    } else if (*kty == "OKP") {
        loaded = loadOkp(jwk, key);
    } else if (*kty == "oct") {
        loaded = loadOct(jwk, key);
    } else {
        loaded = absl::InvalidArgumentError(absl::StrCat("unsupported kty \"", *kty, "\""));
    }
    if (!loaded.ok()) return loaded;
    if (*kty != "oct" && hasPrivateMembers(jwk)) {
        warnings.push_back(absl::StrCat("key \"", key.kid,
                                        "\": private key members ignored; publish only public keys"));
    }
    return key;
}

// RFC 7517 §4.2/§4.3: a key published for encryption, or whose operations exclude "verify",
// is not for us.
std::optional<std::string> notForVerification(const Value& jwk) {
    if (auto use = jwk.FindMember("use"); use != jwk.MemberEnd()) {
        if (!use->value.IsString() || std::string_view(use->value.GetString()) != "sig") {
            return "\"use\" is not \"sig\"";
        }
    }
    if (auto ops = jwk.FindMember("key_ops"); ops != jwk.MemberEnd()) {
        if (!ops->value.IsArray()) return "\"key_ops\" is not an array";
        for (const auto& op : ops->value.GetArray()) {
            if (op.IsString() && std::string_view(op.GetString()) == "verify") return std::nullopt;
        }
        return "\"key_ops\" does not include \"verify\"";
    }
    return std::nullopt;
}

}  // namespace

absl::StatusOr<ParsedKeySet> parseJwks(std::string_view json, const AlgorithmBindings& bindings) {
    if (json.size() > kMaxJwksBytes) {
        return absl::InvalidArgumentError(
            absl::StrCat("JWKS is ", json.size(), " bytes; the limit is ", kMaxJwksBytes));
    }
    rapidjson::Document doc;
    doc.Parse<rapidjson::kParseValidateEncodingFlag | rapidjson::kParseIterativeFlag>(json.data(),
                                                                                    json.size());
    if (doc.HasParseError()) {
        return absl::InvalidArgumentError(
            absl::StrCat("JWKS is not valid JSON: ", rapidjson::GetParseError_En(doc.GetParseError()),
                         " at offset ", doc.GetErrorOffset()));
    }
    if (!doc.IsObject() || !doc.HasMember("keys") || !doc["keys"].IsArray()) {
        return absl::InvalidArgumentError("JWKS has no \"keys\" array (RFC 7517 §5)");
    }
    const auto& list = doc["keys"].GetArray();
    if (list.Size() > kMaxJwksKeys) {
        return absl::InvalidArgumentError(
            absl::StrCat("JWKS has ", list.Size(), " keys; the limit is ", kMaxJwksKeys));
    }

    ParsedKeySet result{std::make_shared<KeySet>(), {}};
    for (rapidjson::SizeType i = 0; i < list.Size(); ++i) {
        const auto& jwk = list[i];
        const std::string where = absl::StrCat(
            "key #", i, jwk.IsObject() ? absl::StrCat(" (kid \"", memberString(jwk, "kid").value_or(""), "\")") : "");
        if (jwk.IsObject()) {
            if (auto reason = notForVerification(jwk)) {
                result.warnings.push_back(absl::StrCat(where, " skipped: ", *reason));
                continue;
            }
        }
        auto key = loadKey(jwk, bindings, result.warnings);
        if (!key.ok()) {
            result.warnings.push_back(absl::StrCat(where, " skipped: ", key.status().message()));
            continue;
        }
        const std::string kid = key->kid;
        if (!result.keys->add(std::move(*key))) {
            return absl::InvalidArgumentError(
                absl::StrCat("duplicate kid \"", kid, "\": lookups would be ambiguous"));
        }
    }
    if (result.keys->size() == 0) {
        std::string why = "JWKS has no usable key";
        for (const auto& warning : result.warnings) absl::StrAppend(&why, "; ", warning);
        return absl::InvalidArgumentError(why);
    }
    return result;
}

}  // namespace rampart::jwt
