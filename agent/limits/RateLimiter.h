#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <string_view>

#include "common/Published.h"
#include "common/Verdict.h"
#include "limits/LimitSet.h"
#include "limits/FleetLimiter.h"
#include "limits/GlobalLimiter.h"
#include "limits/LimiterTable.h"

namespace rampart::limits {

enum class LimitKind { Ip = 0, Subject = 1, Global = 2 };
inline constexpr int kLimitKinds = 3;

// The outcome of one stage: pass, or a denial verdict with when to retry. A shadow-mode limit
// that would have denied passes and reports it, so it can be counted.
struct Admission {
    bool denied = false;
    Verdict verdict = Verdict::Allow;
    uint32_t retryAfterMs = 0;
    // Shadow-mode limits that would have denied, one bit per LimitKind (1 << kind): the subject
    // and global limits can both be over on one request, and each must be counted.
    uint8_t shadowDenied = 0;
    LimitKind kind = LimitKind::Ip;
};

// Blocklist, allowlist and the three rate limits, in the order the check applies them:
//   client stage (before token validation): blocklist → allowlist → per-IP
//   subject stage (after):                   per-subject → global
// Requests with invalid tokens pass the client stage first, so a token-spraying client is
// limited by its IP like anyone else.
class RateLimiter {
public:
    // With `fleet`, the global limit is shared by every agent through Redis; without, it is
    // this agent's own.
    explicit RateLimiter(size_t maxKeys, std::unique_ptr<FleetLimiter> fleet = nullptr);

    void publish(LimitSet limits);
    const Published<LimitSet>::Snapshot& current() const { return limits_.current(); }

    // `ip` may be null when the caller did not say (the client stage then has nothing to key on).
    Admission admitClient(const LimitSet& limits, const IpAddress* ip, bool& allowlisted,
                          int64_t nowNs);
    Admission admitSubject(const LimitSet& limits, std::string_view subject, bool allowlisted,
                           int64_t nowNs);

    TableStats ipStats() const { return byIp_.stats(); }
    TableStats subjectStats() const { return bySubject_.stats(); }
    const FleetLimiter* fleet() const { return fleet_.get(); }

private:
    Admission decide(const GcraDecision& d, const LimitRule& rule, Verdict verdict, LimitKind kind);

    Published<LimitSet> limits_;
    LimiterTable byIp_;
    LimiterTable bySubject_;
    GlobalLimiter global_;
    std::unique_ptr<FleetLimiter> fleet_;
};

}  // namespace rampart::limits
