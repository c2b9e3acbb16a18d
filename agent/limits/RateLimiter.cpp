#include "limits/RateLimiter.h"

#include <algorithm>
#include <cstdint>

#include "limits/KeyHash.h"

namespace rampart::limits {

RateLimiter::RateLimiter(size_t maxKeys, std::unique_ptr<FleetLimiter> fleet)
    : byIp_(maxKeys), bySubject_(maxKeys), fleet_(std::move(fleet)) {
    LimitSet none;
    none.derive();
    limits_.publish(std::make_shared<const LimitSet>(std::move(none)));
}

void RateLimiter::publish(LimitSet limits) {
    limits.derive();
    limits_.publish(std::make_shared<const LimitSet>(std::move(limits)));
}

Admission RateLimiter::decide(const GcraDecision& d, const LimitRule& rule, Verdict verdict,
                              LimitKind kind) {
    Admission a;
    a.kind = kind;
    if (d.allowed) return a;
    if (rule.shadow) {
        a.shadowDenied = static_cast<uint8_t>(1u << static_cast<int>(kind));
        return a;
    }
    a.denied = true;
    a.verdict = verdict;
    // Rounded up: retrying after the advertised time must succeed.
    a.retryAfterMs = static_cast<uint32_t>(std::min<int64_t>((d.retryAfterNs + 999'999) / 1'000'000,
                                                             UINT32_MAX));
    return a;
}

Admission RateLimiter::admitClient(const LimitSet& limits, const IpAddress* ip, bool& allowlisted,
                                   int64_t nowNs) {
    allowlisted = false;
    if (!ip) return {};
    if (limits.blocklist.contains(*ip)) {
        Admission blocked;
        blocked.denied = true;
        blocked.verdict = Verdict::Blocked;
        return blocked;
    }
    allowlisted = limits.allowlist.contains(*ip);
    if (allowlisted || !limits.perIp.enabled()) return {};
    const auto d = byIp_.take(clientKey(*ip, limits.ipv6PrefixBits), nowNs, limits.perIpParams);
    return decide(d, limits.perIp, Verdict::RateLimitedIp, LimitKind::Ip);
}

Admission RateLimiter::admitSubject(const LimitSet& limits, std::string_view subject,
                                    bool allowlisted, int64_t nowNs) {
    if (allowlisted) return {};
    uint8_t shadow = 0;
    if (limits.perSubject.enabled() && !subject.empty()) {
        const auto d = bySubject_.take(subjectKey(subject), nowNs, limits.perSubjectParams);
        auto a = decide(d, limits.perSubject, Verdict::RateLimitedUser, LimitKind::Subject);
        if (a.denied) return a;
        shadow = a.shadowDenied;
    }
    if (limits.global.enabled()) {
        const auto d = fleet_ ? fleet_->take(nowNs, limits.globalParams)
                              : global_.take(nowNs, limits.globalParams);
        auto a = decide(d, limits.global, Verdict::RateLimitedGlobal, LimitKind::Global);
        a.shadowDenied |= shadow;
        return a;
    }
    Admission pass;
    pass.shadowDenied = shadow;
    pass.kind = LimitKind::Subject;
    return pass;
}

}  // namespace rampart::limits
