#pragma once

#include <optional>
#include <string_view>

namespace rampart::jwt {

// The JWS algorithms the agent verifies (RFC 7518 §3.1, RFC 8037 §3.1). "none" is deliberately
// absent: it cannot be parsed, so it cannot be bound to a key.
enum class Algorithm {
    RS256, RS384, RS512,
    PS256, PS384, PS512,
    ES256, ES384, ES512,
    EdDSA,
    HS256, HS384, HS512,
};

enum class KeyFamily { Rsa, RsaPss, Ecdsa, EdDsa, Hmac };

// Exact, case-sensitive match (RFC 7515 §4.1.1: alg values are case-sensitive), so "None",
// "NONE" or "rs256" are all unknown.
std::optional<Algorithm> parseAlgorithm(std::string_view name);
const char* algorithmName(Algorithm alg);
KeyFamily keyFamily(Algorithm alg);
// OpenSSL digest name for the algorithm's hash ("SHA256"...); empty for EdDSA, which hashes itself.
std::string_view digestName(Algorithm alg);
// ECDSA: the size of one of r or s in the JOSE signature (RFC 7518 §3.4); 0 otherwise.
int ecdsaComponentBytes(Algorithm alg);

}  // namespace rampart::jwt
