// Per-thread check counters: every thread writes its own block, readers sum them.
#include <gtest/gtest.h>

#include <atomic>
#include <thread>
#include <vector>

#include "metrics/CheckMetrics.h"

namespace rampart::metrics {
namespace {

TEST(CheckMetrics, concurrentWritersAndAReaderLoseNothingAndNeverGoBack) {
    CheckMetrics metrics;
    constexpr int kThreads = 4, kChecksEach = 20'000;
    std::atomic<int> finished{0};
    std::vector<std::thread> writers;
    for (int t = 0; t < kThreads; ++t) {
        writers.emplace_back([&, t] {
            const Verdict verdict = t % 2 ? Verdict::Allow : Verdict::InvalidToken;
            for (int i = 0; i < kChecksEach; ++i) metrics.recordCheck(verdict, 1'000 * (i % 50));
            finished++;
        });
    }
    // A reader summing while the writers write: totals only ever grow.
    uint64_t last = 0;
    while (finished.load() < kThreads) {
        const uint64_t now = metrics.totals().checks();
        EXPECT_GE(now, last);
        last = now;
    }
    for (auto& writer : writers) writer.join();
    const CheckTotals totals = metrics.totals();
    EXPECT_EQ(totals.checks(), uint64_t{kThreads} * kChecksEach);
    EXPECT_EQ(totals.verdicts[static_cast<int>(Verdict::Allow)], uint64_t{kThreads / 2} * kChecksEach);
    uint64_t bucketed = 0;
    for (auto n : totals.latencyBuckets) bucketed += n;
    EXPECT_EQ(bucketed, totals.checks());
}

}  // namespace
}  // namespace rampart::metrics
