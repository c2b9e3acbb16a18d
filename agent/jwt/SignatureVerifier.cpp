#include "jwt/SignatureVerifier.h"

#include <openssl/crypto.h>
#include <openssl/ecdsa.h>
#include <openssl/hmac.h>
#include <openssl/rsa.h>

#include <algorithm>
#include <array>
#include <cstring>

namespace rampart::jwt {
namespace {

// One digest context per thread, reset between uses, so verification allocates no context.
EVP_MD_CTX* threadDigestContext() {
    thread_local EvpMdCtxPtr ctx(EVP_MD_CTX_new());
    EVP_MD_CTX_reset(ctx.get());
    return ctx.get();
}

bool digestVerify(const VerificationKey& key, std::string_view input,
                  std::span<const uint8_t> signature, bool pss) {
    EVP_MD_CTX* ctx = threadDigestContext();
    EVP_PKEY_CTX* pctx = nullptr;
    if (EVP_DigestVerifyInit(ctx, &pctx, key.digest.get(), nullptr, key.publicKey.get()) != 1) {
        return false;
    }
    // RFC 7518 §3.5: PSS with MGF1 on the same hash and a salt as long as the hash.
    if (pss && (EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PSS_PADDING) != 1 ||
                EVP_PKEY_CTX_set_rsa_pss_saltlen(pctx, RSA_PSS_SALTLEN_DIGEST) != 1 ||
                EVP_PKEY_CTX_set_rsa_mgf1_md(pctx, key.digest.get()) != 1)) {
        return false;
    }
    return EVP_DigestVerify(ctx, signature.data(), signature.size(),
                            reinterpret_cast<const uint8_t*>(input.data()), input.size()) == 1;
}

// r or s as a big-endian number must lie in [1, n−1] (RFC 7518 §3.4; SEC1 §4.1.4 step 1).
bool inScalarRange(std::span<const uint8_t> value, const std::vector<uint8_t>& order) {
    const bool zero = std::all_of(value.begin(), value.end(), [](uint8_t b) { return b == 0; });
    return !zero && std::memcmp(value.data(), order.data(), value.size()) < 0;
}

bool verifyEcdsa(const VerificationKey& key, std::string_view input,
                 std::span<const uint8_t> signature) {
    // RFC 7518 §3.4: the JWS form is the fixed-size concatenation r‖s, never DER.
    const size_t width = ecdsaComponentBytes(key.alg);
    if (signature.size() != 2 * width) return false;
    const auto r = signature.first(width);
    const auto s = signature.subspan(width);
    if (!inScalarRange(r, key.ecOrder) || !inScalarRange(s, key.ecOrder)) return false;

    EcdsaSigPtr sig(ECDSA_SIG_new());
    BIGNUM* bnR = BN_bin2bn(r.data(), static_cast<int>(width), nullptr);
    BIGNUM* bnS = BN_bin2bn(s.data(), static_cast<int>(width), nullptr);
    if (!sig || !bnR || !bnS || ECDSA_SIG_set0(sig.get(), bnR, bnS) != 1) {
        BN_free(bnR);
        BN_free(bnS);
        return false;
    }
    // DER for P-521 is at most 2 * (66 + 1) + 9 bytes.
    std::array<uint8_t, 160> der{};
    uint8_t* cursor = der.data();
    const int derSize = i2d_ECDSA_SIG(sig.get(), &cursor);
    if (derSize <= 0 || static_cast<size_t>(derSize) > der.size()) return false;
    return digestVerify(key, input, std::span<const uint8_t>(der.data(), derSize), false);
}

bool verifyEdDsa(const VerificationKey& key, std::string_view input,
                 std::span<const uint8_t> signature) {
    EVP_MD_CTX* ctx = threadDigestContext();
    if (EVP_DigestVerifyInit(ctx, nullptr, nullptr, nullptr, key.publicKey.get()) != 1) {
        return false;
    }
    return EVP_DigestVerify(ctx, signature.data(), signature.size(),
                            reinterpret_cast<const uint8_t*>(input.data()), input.size()) == 1;
}

bool verifyHmac(const VerificationKey& key, std::string_view input,
                std::span<const uint8_t> signature) {
    std::array<uint8_t, EVP_MAX_MD_SIZE> mac{};
    unsigned int macSize = 0;
    if (!HMAC(key.digest.get(), key.secret.data(), static_cast<int>(key.secret.size()),
              reinterpret_cast<const uint8_t*>(input.data()), input.size(), mac.data(),
              &macSize)) {
        return false;
    }
    // Constant-time comparison, so response timing reveals nothing about the expected MAC.
    return signature.size() == macSize &&
           CRYPTO_memcmp(signature.data(), mac.data(), macSize) == 0;
}

}  // namespace

bool verifySignature(const VerificationKey& key, std::string_view signingInput,
                     std::span<const uint8_t> signature) {
    switch (keyFamily(key.alg)) {
        case KeyFamily::Rsa:
            return digestVerify(key, signingInput, signature, false);
        case KeyFamily::RsaPss:
            return digestVerify(key, signingInput, signature, true);
        case KeyFamily::Ecdsa:
            return verifyEcdsa(key, signingInput, signature);
        case KeyFamily::EdDsa:
            return verifyEdDsa(key, signingInput, signature);
        case KeyFamily::Hmac:
            return verifyHmac(key, signingInput, signature);
    }
    return false;
}

}  // namespace rampart::jwt
