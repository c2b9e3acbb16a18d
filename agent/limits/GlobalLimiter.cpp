#include "limits/GlobalLimiter.h"

#include <algorithm>

namespace rampart::limits {
namespace {

constexpr int64_t kLeaseNs = 1'000'000;
constexpr int64_t kMaxLease = 256;

// The requests a thread may admit without asking again. One per thread (for the limiter it used
// last): a process has one global limit, and a thread that switches limiters only forgoes what
// it held.
struct Lease {
    uint64_t limiter = 0;
    uint64_t generation = 0;
    GcraParams params;
    int64_t remaining = 0;
};
thread_local Lease lease;

std::atomic<uint64_t> nextLimiterId{1};

}  // namespace

GlobalLimiter::GlobalLimiter() : id_(nextLimiterId.fetch_add(1, std::memory_order_relaxed)) {}

int64_t GlobalLimiter::leaseSize(const GcraParams& params) {
    return limits::leaseSize(params, kLeaseNs, kMaxLease);
}

GcraDecision GlobalLimiter::take(int64_t nowNs, const GcraParams& params) {
    const uint64_t generation = generation_.load(std::memory_order_relaxed);
    if (lease.remaining > 0 && lease.limiter == id_ && lease.generation == generation &&
        lease.params == params) {
        --lease.remaining;
        return {true, 0, 0};
    }
    int64_t granted = 0;
    const auto decision = reserve(nowNs, params, leaseSize(params), granted);
    lease = {id_, generation, params, std::max<int64_t>(0, granted - 1)};
    return decision;
}

GcraDecision GlobalLimiter::reserve(int64_t nowNs, const GcraParams& params, int64_t wanted,
                                    int64_t& granted) {
    int64_t stored = tat_.load(std::memory_order_relaxed);
    while (true) {
        // As gcra() for one request: `granted` requests fit while tat + granted·emission stays
        // within the tolerance ahead of now.
        const int64_t tat = std::clamp(stored, nowNs, nowNs + params.toleranceNs);
        const int64_t fit = (nowNs + params.toleranceNs - tat) / params.emissionNs;
        granted = std::min(wanted, fit);
        GcraDecision decision;
        if (granted > 0) {
            decision = {true, tat + granted * params.emissionNs, 0};
        } else {
            decision = {false, tat, tat + params.emissionNs - params.toleranceNs - nowNs};
            if (tat == stored) return decision;  // nothing to store
        }
        if (tat_.compare_exchange_weak(stored, decision.newTat, std::memory_order_relaxed)) {
            return decision;
        }
    }
}

void GlobalLimiter::reset() {
    tat_.store(0, std::memory_order_relaxed);
    generation_.fetch_add(1, std::memory_order_relaxed);
}

}  // namespace rampart::limits
