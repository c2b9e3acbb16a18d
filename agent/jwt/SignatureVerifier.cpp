#include "jwt/SignatureVerifier.h"

#include <openssl/crypto.h>
#include <openssl/ecdsa.h>
#include <openssl/hmac.h>
#include <openssl/rsa.h>

#include <algorithm>
#include <array>
#include <cstring>

#include "absl/container/flat_hash_map.h"

namespace rampart::jwt {
namespace {

// One digest context per thread, reset between uses, so verification allocates no context.
EVP_MD_CTX* threadDigestContext() {
    thread_local EvpMdCtxPtr ctx(EVP_MD_CTX_new());
    EVP_MD_CTX_reset(ctx.get());
    return ctx.get();
}

EvpPkeyCtxPtr newVerifyContext(const VerificationKey& key) {
    EvpPkeyCtxPtr ctx(EVP_PKEY_CTX_new_from_pkey(nullptr, key.publicKey.get(), nullptr));
    if (!ctx || EVP_PKEY_verify_init(ctx.get()) != 1 ||
        EVP_PKEY_CTX_set_signature_md(ctx.get(), key.digest.get()) != 1) {
        return nullptr;
    }
    const auto family = keyFamily(key.alg);
    if (family == KeyFamily::Rsa &&
        EVP_PKEY_CTX_set_rsa_padding(ctx.get(), RSA_PKCS1_PADDING) != 1) {
        return nullptr;
    }
    // RFC 7518 §3.5: PSS with MGF1 on the same hash and a salt as long as the hash.
    if (family == KeyFamily::RsaPss &&
        (EVP_PKEY_CTX_set_rsa_padding(ctx.get(), RSA_PKCS1_PSS_PADDING) != 1 ||
         EVP_PKEY_CTX_set_rsa_pss_saltlen(ctx.get(), RSA_PSS_SALTLEN_DIGEST) != 1 ||
         EVP_PKEY_CTX_set_rsa_mgf1_md(ctx.get(), key.digest.get()) != 1)) {
        return nullptr;
    }
    return ctx;
}

// A verify context initialised once per key and thread, then reused: OpenSSL 3 spends several
// microseconds per EVP_DigestVerifyInit looking up the algorithm and setting up the context,
// which is a quarter of an RSA-2048 verification. The contexts hold their own reference to the
// key, and the cache is keyed by the key's never-reused id, so a reload cannot leave a dangling
// entry; the cache is bounded by dropping everything when it fills.
EVP_PKEY_CTX* threadVerifyContext(const VerificationKey& key) {
    constexpr size_t kMaxContextsPerThread = 64;
    thread_local absl::flat_hash_map<uint64_t, EvpPkeyCtxPtr> contexts;
    if (auto it = contexts.find(key.id); it != contexts.end()) return it->second.get();
    if (contexts.size() >= kMaxContextsPerThread) contexts.clear();
    auto ctx = newVerifyContext(key);
    if (!ctx) return nullptr;
    return contexts.emplace(key.id, std::move(ctx)).first->second.get();
}

// RSA and ECDSA: hash here, then one EVP_PKEY_verify on the cached context.
bool digestVerify(const VerificationKey& key, std::string_view input,
                  std::span<const uint8_t> signature) {
    std::array<uint8_t, EVP_MAX_MD_SIZE> digest{};
    unsigned int digestSize = 0;
    EVP_MD_CTX* md = threadDigestContext();
    if (EVP_DigestInit_ex2(md, key.digest.get(), nullptr) != 1 ||
        EVP_DigestUpdate(md, input.data(), input.size()) != 1 ||
        EVP_DigestFinal_ex(md, digest.data(), &digestSize) != 1) {
        return false;
    }
    EVP_PKEY_CTX* ctx = threadVerifyContext(key);
    return ctx && EVP_PKEY_verify(ctx, signature.data(), signature.size(), digest.data(),
                                  digestSize) == 1;
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
    return digestVerify(key, input, std::span<const uint8_t>(der.data(), derSize));
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
        case KeyFamily::RsaPss:
            return digestVerify(key, signingInput, signature);
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
