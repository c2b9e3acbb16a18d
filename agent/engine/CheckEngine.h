#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string_view>

#include "common/Verdict.h"
#include "control/HeavyHitters.h"
#include "control/OperatorRules.h"
#include "jwt/KeyStore.h"
#include "jwt/TokenCache.h"
#include "jwt/Verifier.h"
#include "limits/RateLimiter.h"
#include "metrics/CheckMetrics.h"

namespace rampart {

// Seconds since the epoch, for token times; injected so tests can move time.
using Clock = std::function<int64_t()>;
Clock systemClock();
// Monotonic nanoseconds, for rate limits and latency; injected likewise.
using MonotonicClock = std::function<int64_t()>;
MonotonicClock steadyClock();

struct CheckInput {
    std::string_view token;
    std::string_view clientIp;
    std::string_view route;
};

struct CheckResult {
    Verdict verdict = Verdict::InvalidToken;
    std::string_view detail;  // a fixed phrase; never part of the token
    std::shared_ptr<const jwt::VerifiedClaims> claims;  // set when the token verified
    uint32_t retryAfterMs = 0;
};

struct CheckEngineOptions {
    jwt::VerifierOptions verifier;
    size_t cacheEntries = 100'000;
    // A cached token without exp is re-verified at least this often.
    int64_t cacheMaxTtlSeconds = 300;
    // Most client IPs (and, separately, subjects) tracked by the rate limiters.
    size_t maxLimiterKeys = 1'000'000;
    limits::LimitSet limits;
    // Set: the global limit is shared by the fleet through Redis.
    std::optional<limits::FleetLimitConfig> fleetLimit;
};

// The hot path: one check answers "may this request pass?", in the order
//   blocked client (config blocklist, operator blocks) → allowlist → per-IP limit
//   → token (cache, then full verification) → blocked subject → revoked subject or jti
//   → per-subject limit → global limit.
// Thread-safe; one engine per agent.
class CheckEngine {
public:
    CheckEngine(CheckEngineOptions options, const jwt::KeyStore& keys, Clock clock = systemClock(),
                MonotonicClock monotonic = steadyClock());

    // Requires a loaded key set (KeyStore::ready()); the services refuse calls before that.
    CheckResult check(const CheckInput& input);

    // Called after the key set changes: nothing verified with the old keys may be served.
    void forgetVerifiedTokens() { cache_.clear(); }

    size_t cachedTokens() const { return cache_.size(); }
    limits::RateLimiter& limiter() { return limiter_; }
    metrics::CheckMetrics& metrics() { return metrics_; }
    control::OperatorRules& rules() { return rules_; }
    // Who was denied most recently: client IPs and subjects.
    const control::HeavyHitters& deniedClients() const { return deniedClients_; }
    const control::HeavyHitters& deniedSubjects() const { return deniedSubjects_; }
    int64_t nowUnix() const { return clock_(); }

private:
    CheckResult validate(std::string_view token, int64_t nowUnix);

    jwt::Verifier verifier_;
    jwt::TokenCache cache_;
    const jwt::KeyStore& keys_;
    Clock clock_;
    MonotonicClock monotonic_;
    int64_t cacheMaxTtl_;
    limits::RateLimiter limiter_;
    metrics::CheckMetrics metrics_;
    control::OperatorRules rules_;
    control::HeavyHitters deniedClients_;
    control::HeavyHitters deniedSubjects_;
};

}  // namespace rampart
