#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <vector>

#include "common/Verdict.h"

namespace rampart::metrics {

// Upper bounds of the check-latency histogram buckets, in nanoseconds (the last is +Inf):
// six a decade from 1 µs to 100 ms, fine enough to read p50/p99 off a snapshot.
inline constexpr std::array<int64_t, 32> kLatencyBoundsNs = {
    1'000,      1'500,      2'000,      3'000,      5'000,      7'500,      10'000,
    15'000,     20'000,     30'000,     50'000,     75'000,     100'000,    150'000,
    200'000,    300'000,    500'000,    750'000,    1'000'000,  1'500'000,  2'000'000,
    3'000'000,  5'000'000,  7'500'000,  10'000'000, 15'000'000, 20'000'000, 30'000'000,
    50'000'000, 75'000'000, 100'000'000, INT64_MAX};

// The latency below which a fraction q of the counted checks fall, interpolated inside its
// bucket; `counts` are per bucket (not cumulative).
double latencyQuantileNs(const std::array<uint64_t, kLatencyBoundsNs.size()>& counts, double q);

// Totals since start, summed over every thread.
struct CheckTotals {
    std::array<uint64_t, kVerdictCount> verdicts{};
    std::array<uint64_t, kLatencyBoundsNs.size()> latencyBuckets{};  // not cumulative
    uint64_t latencySumNs = 0;
    uint64_t cacheHits = 0;
    uint64_t cacheMisses = 0;
    std::array<uint64_t, 3> shadowDenials{};  // by limits::LimitKind

    uint64_t checks() const {
        uint64_t n = 0;
        for (auto v : verdicts) n += v;
        return n;
    }
};

// Counters for the hot path. Each thread writes only its own block (no shared cache line, no
// atomic read-modify-write); readers sum the blocks. Blocks outlive their threads, so totals
// never go backwards.
class CheckMetrics {
public:
    struct alignas(64) Block {
        std::array<std::atomic<uint64_t>, kVerdictCount> verdicts{};
        std::array<std::atomic<uint64_t>, kLatencyBoundsNs.size()> latencyBuckets{};
        std::atomic<uint64_t> latencySumNs{0};
        std::atomic<uint64_t> cacheHits{0};
        std::atomic<uint64_t> cacheMisses{0};
        std::array<std::atomic<uint64_t>, 3> shadowDenials{};
    };

    CheckMetrics();

    // This thread's block.
    Block& local();

    void recordCheck(Verdict verdict, int64_t latencyNs);
    static void bump(std::atomic<uint64_t>& counter) {
        // Single writer: a plain load and store, no locked instruction.
        counter.store(counter.load(std::memory_order_relaxed) + 1, std::memory_order_relaxed);
    }

    CheckTotals totals() const;

private:
    const uint64_t id_;
    // std::mutex, not absl::Mutex: only a thread's first check and a reader take it, and
    // ThreadSanitizer sees through pthread locks but not through an uninstrumented abseil, so
    // the lock-free counters can be checked by it.
    mutable std::mutex mutex_;
    std::vector<std::unique_ptr<Block>> blocks_;  // guarded by mutex_
};

}  // namespace rampart::metrics
