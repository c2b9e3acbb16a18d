#pragma once

#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "jwt/Algorithm.h"
#include "jwt/OpenSsl.h"
#include "jwt/VerificationKey.h"

namespace rampart::jwt {

// A private key that mints tokens: for the demo, rampart-load and tests. The agent itself only
// verifies; it never holds a signing key.
class SigningKey {
public:
    // A fresh key for the algorithm (RSA 2048, the algorithm's curve, or a random HMAC secret).
    static absl::StatusOr<SigningKey> generate(Algorithm alg, std::string kid);
    // A PEM private key (PKCS#8 or traditional), or for HS* the raw secret bytes.
    static absl::StatusOr<SigningKey> fromPem(Algorithm alg, std::string kid, std::string_view pem);

    // The public half as a JWK object (or, for HS*, the secret as an oct JWK), with kid and alg.
    std::string publicJwk() const;
    // PKCS#8 PEM of the private key (for HS*, the raw secret).
    std::string privatePem() const;

    // Compact JWS over exactly these JSON texts, so tests can craft any header or claims.
    std::string sign(std::string_view headerJson, std::string_view claimsJson) const;
    // A signature over arbitrary bytes in JWS form (ECDSA as raw r‖s).
    std::string signBytes(std::string_view input) const;

    // Header {"alg":..,"typ":"JWT","kid":..} around these claims.
    std::string mint(std::string_view claimsJson) const;

    Algorithm alg() const { return alg_; }
    const std::string& kid() const { return kid_; }

private:
    SigningKey(Algorithm alg, std::string kid) : alg_(alg), kid_(std::move(kid)) {}

    Algorithm alg_;
    std::string kid_;
    EvpPkeyPtr key_;
    SecretBytes secret_;
};

// {"keys":[jwk, ...]} from already-serialised JWK objects.
std::string jwksOf(std::initializer_list<std::string> jwks);

}  // namespace rampart::jwt
