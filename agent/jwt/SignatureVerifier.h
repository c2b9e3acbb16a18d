#pragma once

#include <cstdint>
#include <span>
#include <string_view>

#include "jwt/VerificationKey.h"

namespace rampart::jwt {

// Checks a JWS signature (RFC 7515 §5.2 step 8) over `signingInput` (the ASCII
// "header.payload") with a key already parsed into OpenSSL objects; `signature` is the decoded
// third segment. The algorithm is always the key's own: callers have already required the
// header's alg to equal it.
bool verifySignature(const VerificationKey& key, std::string_view signingInput,
                     std::span<const uint8_t> signature);

}  // namespace rampart::jwt
