#include "limits/FleetLimiter.h"

#include <spdlog/spdlog.h>

#include <algorithm>

namespace rampart::limits {
namespace {

std::atomic<uint64_t> nextFleetLimiterId{1};

}  // namespace

// A thread's lease and its own Redis connection (hiredis connections are not shared between
// threads). One per thread, for the limiter it used last: an agent has one fleet limit.
struct FleetLimiter::ThreadState {
    uint64_t limiter = 0;
    GcraParams params;
    int64_t remaining = 0;
    std::unique_ptr<RedisGcra> redis;
};

FleetLimiter::FleetLimiter(FleetLimitConfig config)
    : config_(std::move(config)), id_(nextFleetLimiterId.fetch_add(1, std::memory_order_relaxed)) {}

FleetLimiter::ThreadState& FleetLimiter::threadState() {
    thread_local ThreadState state;
    if (state.limiter != id_) state = ThreadState{id_, {}, 0, nullptr};
    return state;
}

int64_t FleetLimiter::leaseSize(const GcraParams& params) const {
    return limits::leaseSize(params, std::chrono::nanoseconds(config_.lease).count(), 1000);
}

GcraDecision FleetLimiter::take(int64_t nowNs, const GcraParams& params) {
    auto& state = threadState();
    if (state.remaining > 0 && state.params == params) {
        --state.remaining;
        return {true, 0, 0};
    }
    state.remaining = 0;  // a lease under other parameters is dropped, not spent
    if (nowNs < downUntilNs_.load(std::memory_order_relaxed)) {
        localDecisions_.fetch_add(1, std::memory_order_relaxed);
        return local_.take(nowNs, params);
    }
    if (const int64_t until = spentUntilNs_.load(std::memory_order_relaxed); nowNs < until) {
        return {false, 0, until - nowNs};
    }
    return reserve(state, nowNs, params);
}

GcraDecision FleetLimiter::reserve(ThreadState& state, int64_t nowNs, const GcraParams& params) {
    if (!state.redis) {
        auto connected = RedisGcra::connect(config_.redis);
        if (!connected.ok()) {
            recordFailure(std::string(connected.status().message()), nowNs);
            return local_.take(nowNs, params);
        }
        state.redis = std::move(*connected);
    }
    redisCalls_.fetch_add(1, std::memory_order_relaxed);
    const auto reply = state.redis->reserve(config_.key, static_cast<double>(params.emissionNs) / 1e3,
                                            static_cast<double>(params.toleranceNs) / 1e3,
                                            leaseSize(params));
    if (!reply.ok()) {
        state.redis.reset();  // a failed hiredis connection cannot be used again
        recordFailure(std::string(reply.status().message()), nowNs);
        return local_.take(nowNs, params);
    }
    if (!redisUp_.exchange(true, std::memory_order_relaxed)) {
        spdlog::info("fleet limit: Redis at {} answers again; the global limit is fleet-wide again",
                     config_.redis.address);
    }
    if (reply->granted > 0) {
        state.params = params;
        state.remaining = reply->granted - 1;
        return {true, 0, 0};
    }
    const int64_t retryNs = std::max<int64_t>(1'000, reply->retryAfterUs * 1'000);
    spentUntilNs_.store(nowNs + retryNs, std::memory_order_relaxed);
    return {false, 0, retryNs};
}

void FleetLimiter::recordFailure(const std::string& error, int64_t nowNs) {
    redisErrors_.fetch_add(1, std::memory_order_relaxed);
    localDecisions_.fetch_add(1, std::memory_order_relaxed);
    downUntilNs_.store(nowNs + std::chrono::nanoseconds(config_.retryAfterFailure).count(),
                       std::memory_order_relaxed);
    if (redisUp_.exchange(false, std::memory_order_relaxed)) {
        spdlog::warn("fleet limit: {}; this agent enforces the global limit on its own until Redis "
                     "answers",
                     error);
    }
    std::lock_guard lock(errorMutex_);
    lastError_ = error;
}

FleetLimiterStats FleetLimiter::stats() const {
    FleetLimiterStats stats;
    stats.redisUp = redisUp_.load(std::memory_order_relaxed);
    stats.redisCalls = redisCalls_.load(std::memory_order_relaxed);
    stats.redisErrors = redisErrors_.load(std::memory_order_relaxed);
    stats.localDecisions = localDecisions_.load(std::memory_order_relaxed);
    std::lock_guard lock(errorMutex_);
    stats.lastError = lastError_;
    return stats;
}

}  // namespace rampart::limits
