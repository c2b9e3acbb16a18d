#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "jwt/Algorithm.h"
#include "jwt/OpenSsl.h"

namespace rampart::jwt {

// Secret bytes that are wiped when released, so an HMAC key does not linger in freed memory.
class SecretBytes {
public:
    SecretBytes() = default;
    explicit SecretBytes(std::string bytes) : bytes_(std::move(bytes)) {}
    SecretBytes(SecretBytes&&) noexcept = default;
    SecretBytes& operator=(SecretBytes&&) noexcept = default;
    ~SecretBytes();

    const uint8_t* data() const { return reinterpret_cast<const uint8_t*>(bytes_.data()); }
    size_t size() const { return bytes_.size(); }

private:
    std::string bytes_;
};

uint64_t newKeyId();

// One key from a key set, parsed once at load into the form verification uses, and bound to
// exactly one algorithm (RFC 8725 §3.1: a key must not be usable with another algorithm).
struct VerificationKey {
    // Unique in the process for the key's lifetime and never reused, so per-thread caches of
    // OpenSSL contexts can be keyed by it safely across key-set reloads.
    uint64_t id = newKeyId();
    std::string kid;
    Algorithm alg = Algorithm::RS256;
    EvpPkeyPtr publicKey;  // RSA, EC and OKP keys
    SecretBytes secret;    // oct keys (HMAC)
    EvpMdPtr digest;       // fetched once; null for EdDSA
    // ECDSA: the group order n as a big-endian number of ecdsaComponentBytes(alg) bytes, so the
    // RFC 7518 §3.4 range check on r and s needs no allocation.
    std::vector<uint8_t> ecOrder;
    int bits = 0;  // key size, for summaries
};

}  // namespace rampart::jwt
