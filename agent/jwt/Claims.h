#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace rampart::jwt {

// The registered claims of a verified token that gateways usually forward (RFC 7519 §4.1, plus
// the OAuth "scope"/"client_id" of RFC 9068 §2.2).
struct VerifiedClaims {
    std::string subject;
    std::string issuer;
    std::vector<std::string> audience;
    int64_t expiresAt = 0;  // 0: the token has no exp
    int64_t issuedAt = 0;   // 0: absent
    std::string jwtId;
    std::string scope;  // space-separated
    std::string clientId;
};

}  // namespace rampart::jwt
