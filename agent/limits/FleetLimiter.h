#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>

#include "limits/Gcra.h"
#include "limits/GlobalLimiter.h"
#include "limits/RedisGcra.h"

namespace rampart::limits {

struct FleetLimitConfig {
    RedisEndpoint redis;
    std::string key = "rampart:limit:global";  // every agent of one fleet uses the same key
    // A thread reserves up to this much of the rate at once (at most an eighth of the burst and
    // 1,000 requests), so Redis sees one call per lease, not one per request.
    std::chrono::milliseconds lease{10};
    // After a failed call, decide locally this long before trying Redis again.
    std::chrono::milliseconds retryAfterFailure{1000};
};

struct FleetLimiterStats {
    bool redisUp = true;
    uint64_t redisCalls = 0;
    uint64_t redisErrors = 0;
    uint64_t localDecisions = 0;  // made by this agent alone while Redis was unreachable
    std::string lastError;
};

// The global limit shared by every agent of a fleet: its GCRA state lives in Redis (DESIGN:
// beyond one host, shared state goes to an existing engine).
//
// Requests never wait on Redis for more than one round trip, and most not at all:
//  - each thread keeps a lease of requests reserved from Redis in one call and spends it
//    locally; nothing is admitted that the fleet-wide GCRA did not admit;
//  - once Redis says the budget is spent, requests are refused locally until its retry-after;
//  - if Redis cannot be reached (or answers late), this agent enforces the same limit on its
//    own, as if it were the whole fleet, and tries Redis again after `retryAfterFailure`.
//    Authentication keeps working through a Redis outage; the limit is only looser by up to
//    the number of agents for that time. Logged once per outage and counted.
class FleetLimiter {
public:
    explicit FleetLimiter(FleetLimitConfig config);

    GcraDecision take(int64_t nowNs, const GcraParams& params);
    FleetLimiterStats stats() const;

    int64_t leaseSize(const GcraParams& params) const;

private:
    struct ThreadState;
    ThreadState& threadState();
    GcraDecision reserve(ThreadState& state, int64_t nowNs, const GcraParams& params);
    void recordFailure(const std::string& error, int64_t nowNs);

    const FleetLimitConfig config_;
    const uint64_t id_;
    GlobalLimiter local_;  // while Redis is unreachable
    alignas(64) std::atomic<int64_t> spentUntilNs_{0};  // budget spent: refuse until then
    std::atomic<int64_t> downUntilNs_{0};               // Redis failed: decide locally until then
    std::atomic<bool> redisUp_{true};
    alignas(64) std::atomic<uint64_t> redisCalls_{0};
    std::atomic<uint64_t> redisErrors_{0};
    std::atomic<uint64_t> localDecisions_{0};
    mutable std::mutex errorMutex_;  // off the hot path: only on failures and stats()
    std::string lastError_;
};

}  // namespace rampart::limits
