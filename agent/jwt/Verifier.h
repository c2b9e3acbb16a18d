#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/Verdict.h"
#include "jwt/Claims.h"
#include "jwt/KeySet.h"

namespace rampart::jwt {

struct VerifierOptions {
    // Tokens longer than this are refused before any parsing.
    size_t maxTokenBytes = 8 * 1024;
    // One tolerance for clock skew, applied to exp, nbf and iat (RFC 7519 §4.1.4).
    int64_t leewaySeconds = 30;
    bool requireExp = true;
    // Empty: any issuer. Otherwise "iss" must be present and one of these.
    std::vector<std::string> issuers;
    // Empty: no audience check. Otherwise "aud" must contain at least one of these.
    std::vector<std::string> audiences;
};

struct VerifyOutcome {
    Verdict verdict = Verdict::InvalidToken;
    // A fixed phrase naming the rule that failed; never any part of the token.
    std::string_view detail;
    VerifiedClaims claims;  // filled only when verdict is Allow
};

// Validates compact-serialized JWS JWTs (RFC 7515, 7518, 7519) following the JWT best current
// practices of RFC 8725. Stateless and thread-safe: one instance serves every thread.
class Verifier {
public:
    explicit Verifier(VerifierOptions options);

    VerifyOutcome verify(std::string_view token, const KeySet& keys, int64_t nowSeconds) const;

    const VerifierOptions& options() const { return options_; }

private:
    VerifyOutcome checkClaims(std::string_view payloadJson, int64_t nowSeconds) const;

    VerifierOptions options_;
};

}  // namespace rampart::jwt
