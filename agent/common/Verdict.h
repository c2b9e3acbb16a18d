#pragma once

#include <string_view>

namespace rampart {

// Why a check was answered the way it was. Mirrors rampart.v1.Verdict; the engine keeps its own
// enum so it does not depend on the wire contract.
enum class Verdict {
    Allow,
    InvalidToken,
    Expired,
    Revoked,
    RateLimitedIp,
    RateLimitedUser,
    RateLimitedGlobal,
    Blocked,
};

inline constexpr int kVerdictCount = 8;

constexpr std::string_view verdictName(Verdict verdict) {
    switch (verdict) {
        case Verdict::Allow: return "ALLOW";
        case Verdict::InvalidToken: return "INVALID_TOKEN";
        case Verdict::Expired: return "EXPIRED";
        case Verdict::Revoked: return "REVOKED";
        case Verdict::RateLimitedIp: return "RATE_LIMITED_IP";
        case Verdict::RateLimitedUser: return "RATE_LIMITED_USER";
        case Verdict::RateLimitedGlobal: return "RATE_LIMITED_GLOBAL";
        case Verdict::Blocked: return "BLOCKED";
    }
    return "UNKNOWN";
}

}  // namespace rampart
