#include "jwt/VerificationKey.h"

#include <openssl/crypto.h>

#include <atomic>

namespace rampart::jwt {

uint64_t newKeyId() {
    static std::atomic<uint64_t> next{1};
    return next.fetch_add(1, std::memory_order_relaxed);
}

SecretBytes::~SecretBytes() {
    if (!bytes_.empty()) OPENSSL_cleanse(bytes_.data(), bytes_.size());
}

}  // namespace rampart::jwt
