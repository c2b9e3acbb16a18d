#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>

namespace rampart::limits {

// The accepted range of a rule (LimitBounds.h checks it). Within it the emission interval is at
// most 1e15 ns and the tolerance at most 1e17 ns (3 years), so `now + tolerance + emission` stays
// far below int64's 9.2e18 for any steady-clock reading, and every product below is exact.
inline constexpr double kMinRate = 1e-6;  // one request per 11.6 days
inline constexpr double kMaxRate = 1e9;   // one a nanosecond: the clock's resolution
inline constexpr double kMaxBurst = 1e9;
inline constexpr double kMaxRefillSeconds = 1e8;
inline constexpr int64_t kMaxEmissionNs = 1'000'000'000'000'000;     // 1e9 / kMinRate
inline constexpr int64_t kMaxToleranceNs = 100'000'000'000'000'000;  // kMaxRefillSeconds in ns

// One limit: `rate` requests per second on average, with bursts of up to `burst` at once.
// A rule with rate 0 is off. In shadow mode denials are counted but not enforced (like nginx's
// limit_req_dry_run and Envoy's shadow_mode).
struct LimitRule {
    double rate = 0;
    double burst = 0;
    bool shadow = false;

    bool enabled() const { return rate > 0; }
    bool operator==(const LimitRule&) const = default;
};

// The Generic Cell Rate Algorithm (ITU-T I.371; the virtual-scheduling form): a limiter's whole
// state is one number, the theoretical arrival time (TAT) of the next request, in nanoseconds.
// A TAT at or before now is the same as no state, which is what lets idle keys be dropped.
struct GcraParams {
    int64_t emissionNs = 0;   // 1 / rate
    int64_t toleranceNs = 0;  // emission × burst: how far ahead of now the TAT may run

    bool operator==(const GcraParams&) const = default;

    // Saturates outside the accepted range (and on NaN) instead of overflowing, so a rule that
    // slipped past the checks can be wrong but never undefined.
    static GcraParams of(const LimitRule& rule) {
        GcraParams p;
        if (!rule.enabled()) return p;
        const double emission = std::clamp(1e9 / rule.rate, 1.0, double(kMaxEmissionNs));
        p.emissionNs = static_cast<int64_t>(std::llround(emission));
        const double burst = std::isnan(rule.burst) ? 1.0 : std::max(1.0, rule.burst);
        const double tolerance = std::min(double(p.emissionNs) * burst, double(kMaxToleranceNs));
        p.toleranceNs = std::max(p.emissionNs, static_cast<int64_t>(std::llround(tolerance)));
        return p;
    }
};

// How many requests a thread reserves at once from a limit shared with other threads or hosts:
// `windowNs` of the rate, at most an eighth of the burst (so one holder cannot take it all) and
// `most`, at least one. One request at low rates, so small limits stay exact.
inline int64_t leaseSize(const GcraParams& p, int64_t windowNs, int64_t most) {
    if (p.emissionNs <= 0) return 1;
    const int64_t burst = p.toleranceNs / p.emissionNs;
    return std::clamp(std::min(windowNs / p.emissionNs, burst / 8), int64_t{1}, most);
}

struct GcraDecision {
    bool allowed;
    int64_t newTat;        // store this, allowed or not (a denial only ever lowers stale debt)
    int64_t retryAfterNs;  // when denied: how long until the next request would pass
};

// Admitted over a time t from fresh: burst + rate·t (rounded down).
inline GcraDecision gcra(int64_t storedTat, int64_t nowNs, const GcraParams& p) {
    // A TAT further ahead than this limit allows was left by an older, looser limit: cap it, so
    // a raised limit helps a throttled client at once instead of after the old debt runs out.
    const int64_t tat = std::clamp(storedTat, nowNs, nowNs + p.toleranceNs);
    const int64_t newTat = tat + p.emissionNs;
    const int64_t allowAt = newTat - p.toleranceNs;
    if (nowNs < allowAt) return {false, tat, allowAt - nowNs};
    return {true, newTat, 0};
}

}  // namespace rampart::limits
