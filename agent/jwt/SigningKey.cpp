#include "jwt/SigningKey.h"

#include <openssl/core_names.h>
#include <openssl/ecdsa.h>
#include <openssl/hmac.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/rsa.h>

#include <vector>

#include "absl/strings/str_cat.h"
#include "jwt/Base64Url.h"

namespace rampart::jwt {
namespace {

const char* curveName(Algorithm alg) {
    switch (alg) {
        case Algorithm::ES256: return "P-256";
        case Algorithm::ES384: return "P-384";
        default: return "P-521";
    }
}

std::string bnParam(EVP_PKEY* key, const char* name, int width = 0) {
    BIGNUM* bn = nullptr;
    if (!EVP_PKEY_get_bn_param(key, name, &bn)) return {};
    BignumPtr owned(bn);
    std::vector<uint8_t> bytes(width > 0 ? width : BN_num_bytes(bn));
    BN_bn2binpad(bn, bytes.data(), static_cast<int>(bytes.size()));
    return base64UrlEncode(bytes);
}

struct BioFree {
    void operator()(BIO* b) const { BIO_free(b); }
};

}  // namespace

absl::StatusOr<SigningKey> SigningKey::generate(Algorithm alg, std::string kid) {
    SigningKey key(alg, std::move(kid));
    switch (keyFamily(alg)) {
        case KeyFamily::Rsa:
        case KeyFamily::RsaPss:
            key.key_.reset(EVP_PKEY_Q_keygen(nullptr, nullptr, "RSA", size_t{2048}));
            break;
        case KeyFamily::Ecdsa:
            key.key_.reset(EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", curveName(alg)));
            break;
        case KeyFamily::EdDsa:
            key.key_.reset(EVP_PKEY_Q_keygen(nullptr, nullptr, "ED25519"));
            break;
        case KeyFamily::Hmac: {
            std::string secret(64, '\0');
            if (RAND_bytes(reinterpret_cast<uint8_t*>(secret.data()), 64) != 1) {
                return absl::InternalError(lastOpenSslError());
            }
            key.secret_ = SecretBytes(std::move(secret));
            return key;
        }
    }
    if (!key.key_) return absl::InternalError(lastOpenSslError());
    return key;
}

absl::StatusOr<SigningKey> SigningKey::fromPem(Algorithm alg, std::string kid,
                                               std::string_view pem) {
    SigningKey key(alg, std::move(kid));
    if (keyFamily(alg) == KeyFamily::Hmac) {
        key.secret_ = SecretBytes(std::string(pem));
        return key;
    }
    std::unique_ptr<BIO, BioFree> bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
    key.key_.reset(PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr));
    if (!key.key_) return absl::InvalidArgumentError("not a PEM private key");
    return key;
}

std::string SigningKey::publicJwk() const {
    const std::string common =
        absl::StrCat("\"kid\":\"", kid_, "\",\"alg\":\"", algorithmName(alg_), "\",\"use\":\"sig\"");
    switch (keyFamily(alg_)) {
        case KeyFamily::Rsa:
        case KeyFamily::RsaPss:
            return absl::StrCat("{\"kty\":\"RSA\",", common, ",\"n\":\"",
                                bnParam(key_.get(), OSSL_PKEY_PARAM_RSA_N), "\",\"e\":\"",
                                bnParam(key_.get(), OSSL_PKEY_PARAM_RSA_E), "\"}");
        case KeyFamily::Ecdsa: {
            const int width = ecdsaComponentBytes(alg_);
            return absl::StrCat(
                "{\"kty\":\"EC\",", common, ",\"crv\":\"", curveName(alg_), "\",\"x\":\"",
                bnParam(key_.get(), OSSL_PKEY_PARAM_EC_PUB_X, width), "\",\"y\":\"",
                bnParam(key_.get(), OSSL_PKEY_PARAM_EC_PUB_Y, width), "\"}");
        }
        case KeyFamily::EdDsa: {
            uint8_t raw[32];
            size_t size = sizeof raw;
            EVP_PKEY_get_raw_public_key(key_.get(), raw, &size);
            return absl::StrCat("{\"kty\":\"OKP\",", common, ",\"crv\":\"Ed25519\",\"x\":\"",
                                base64UrlEncode(std::span<const uint8_t>(raw, size)), "\"}");
        }
        case KeyFamily::Hmac:
            return absl::StrCat("{\"kty\":\"oct\",", common, ",\"k\":\"",
                                base64UrlEncode(std::span(secret_.data(), secret_.size())), "\"}");
    }
    return "{}";
}

std::string SigningKey::privatePem() const {
    if (keyFamily(alg_) == KeyFamily::Hmac) {
        return std::string(reinterpret_cast<const char*>(secret_.data()), secret_.size());
    }
    std::unique_ptr<BIO, BioFree> bio(BIO_new(BIO_s_mem()));
    PEM_write_bio_PrivateKey(bio.get(), key_.get(), nullptr, nullptr, 0, nullptr, nullptr);
    char* data = nullptr;
    const long size = BIO_get_mem_data(bio.get(), &data);
    return std::string(data, size);
}

std::string SigningKey::signBytes(std::string_view input) const {
    const auto* bytes = reinterpret_cast<const uint8_t*>(input.data());
    const auto family = keyFamily(alg_);
    if (family == KeyFamily::Hmac) {
        EvpMdPtr md = fetchDigest(std::string(digestName(alg_)).c_str());
        uint8_t mac[EVP_MAX_MD_SIZE];
        unsigned int size = 0;
        HMAC(md.get(), secret_.data(), static_cast<int>(secret_.size()), bytes, input.size(), mac,
             &size);
        return base64UrlEncode(std::span<const uint8_t>(mac, size));
    }
    EvpMdPtr md;
    if (family != KeyFamily::EdDsa) md = fetchDigest(std::string(digestName(alg_)).c_str());
    EvpMdCtxPtr ctx(EVP_MD_CTX_new());
    EVP_PKEY_CTX* pctx = nullptr;
    EVP_DigestSignInit(ctx.get(), &pctx, md.get(), nullptr, key_.get());
    if (family == KeyFamily::RsaPss) {
        EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PSS_PADDING);
        EVP_PKEY_CTX_set_rsa_pss_saltlen(pctx, RSA_PSS_SALTLEN_DIGEST);
        EVP_PKEY_CTX_set_rsa_mgf1_md(pctx, md.get());
    }
    size_t size = 0;
    EVP_DigestSign(ctx.get(), nullptr, &size, bytes, input.size());
    std::vector<uint8_t> signature(size);
    EVP_DigestSign(ctx.get(), signature.data(), &size, bytes, input.size());
    signature.resize(size);
    if (family != KeyFamily::Ecdsa) return base64UrlEncode(signature);

    // DER → the fixed-width r‖s of RFC 7518 §3.4.
    const uint8_t* cursor = signature.data();
    EcdsaSigPtr sig(d2i_ECDSA_SIG(nullptr, &cursor, static_cast<long>(signature.size())));
    const int width = ecdsaComponentBytes(alg_);
    std::vector<uint8_t> raw(2 * width);
    BN_bn2binpad(ECDSA_SIG_get0_r(sig.get()), raw.data(), width);
    BN_bn2binpad(ECDSA_SIG_get0_s(sig.get()), raw.data() + width, width);
    return base64UrlEncode(raw);
}

std::string SigningKey::sign(std::string_view headerJson, std::string_view claimsJson) const {
    std::string input = absl::StrCat(base64UrlEncode(headerJson), ".", base64UrlEncode(claimsJson));
    return absl::StrCat(input, ".", signBytes(input));
}

std::string SigningKey::mint(std::string_view claimsJson) const {
    return sign(absl::StrCat("{\"alg\":\"", algorithmName(alg_), "\",\"typ\":\"JWT\",\"kid\":\"",
                             kid_, "\"}"),
                claimsJson);
}

std::string jwksOf(std::initializer_list<std::string> jwks) {
    std::string out = "{\"keys\":[";
    bool first = true;
    for (const auto& jwk : jwks) {
        if (!first) out += ',';
        out += jwk;
        first = false;
    }
    return out + "]}";
}

}  // namespace rampart::jwt
