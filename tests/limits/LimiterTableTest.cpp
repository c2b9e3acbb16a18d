#include <gtest/gtest.h>

#include <atomic>
#include <barrier>
#include <cstdint>
#include <thread>
#include <vector>

#include "limits/KeyHash.h"
#include "limits/GlobalLimiter.h"
#include "limits/LimiterTable.h"

namespace rampart::limits {
namespace {

constexpr int64_t kSecond = 1'000'000'000;
constexpr int64_t kStart = 5'000 * kSecond;

GcraParams paramsOf(double rate, double burst) { return GcraParams::of({rate, burst, false}); }

// Distinct, well-spread keys, as clientKey and subjectKey produce them.
uint64_t keyOf(uint64_t i) { return mixKey(i); }

int admitted(LimiterTable& table, uint64_t key, int64_t nowNs, const GcraParams& p, int offered) {
    int n = 0;
    for (int i = 0; i < offered; ++i) n += table.take(key, nowNs, p).allowed ? 1 : 0;
    return n;
}

TEST(LimiterTable, keysAreLimitedIndependently) {
    LimiterTable table(1000);
    const auto p = paramsOf(1, 3);
    EXPECT_EQ(admitted(table, keyOf(1), kStart, p, 10), 3);
    EXPECT_EQ(admitted(table, keyOf(2), kStart, p, 10), 3);
    EXPECT_FALSE(table.take(keyOf(1), kStart, p).allowed);
    EXPECT_TRUE(table.take(keyOf(3), kStart, p).allowed);
    EXPECT_EQ(table.stats().keys, 3u);
}

TEST(LimiterTable, deniedTakeReportsTheWait) {
    LimiterTable table(1000);
    const auto p = paramsOf(10, 1);
    ASSERT_TRUE(table.take(keyOf(7), kStart, p).allowed);
    const auto denied = table.take(keyOf(7), kStart + 30'000'000, p);
    ASSERT_FALSE(denied.allowed);
    EXPECT_EQ(denied.retryAfterNs, 70'000'000);
    EXPECT_TRUE(table.take(keyOf(7), kStart + 100'000'000, p).allowed);
}

TEST(LimiterTable, capacityIsTwiceMaxKeysRoundedUpToAPowerOfTwo) {
    for (size_t maxKeys : {1u, 1000u, 4096u, 100'000u, 1'000'000u}) {
        LimiterTable table(maxKeys);
        const auto stats = table.stats();
        EXPECT_GE(stats.capacity, 2 * maxKeys);
        EXPECT_LE(stats.capacity, std::max<size_t>(4 * maxKeys, 16)) << "maxKeys " << maxKeys;
        EXPECT_EQ(stats.keys, 0u);
        EXPECT_EQ(stats.evictions, 0u);
    }
}

TEST(LimiterTable, aFloodOfDistinctKeysNeverGrowsPastCapacity) {
    LimiterTable table(1000);
    const auto p = paramsOf(1, 1);
    const size_t capacity = table.stats().capacity;
    const size_t memory = table.stats().memoryBytes;
    ASSERT_LE(capacity, 4000u);
    for (uint64_t i = 0; i < 100'000; ++i) {
        table.take(keyOf(i), kStart, p);
        if (i % 1000 == 0) {
            ASSERT_LE(table.stats().keys, capacity) << "after " << i << " keys";
        }
    }
    const auto stats = table.stats();
    EXPECT_LE(stats.keys, capacity);
    EXPECT_EQ(stats.capacity, capacity);
    EXPECT_EQ(stats.memoryBytes, memory);  // preallocated, never grown
}

TEST(LimiterTable, idleKeysAreReusedWithoutEviction) {
    LimiterTable table(1000);
    const auto p = paramsOf(1000, 1);  // each take leaves a TAT one emission (1 ms) ahead
    // Key i arrives when every earlier key's TAT has passed: the table is always full of idle
    // slots, and reusing them loses nothing.
    for (uint64_t i = 0; i < 100'000; ++i) {
        ASSERT_TRUE(
            table.take(keyOf(i), kStart + static_cast<int64_t>(i) * p.emissionNs, p).allowed);
    }
    const auto stats = table.stats();
    EXPECT_EQ(stats.evictions, 0u);
    EXPECT_LE(stats.keys, stats.capacity);
    EXPECT_GT(stats.keys, 0u);
}

TEST(LimiterTable, aFloodWhileKeysAreLimitedCountsEvictions) {
    LimiterTable table(1000);
    const auto p = paramsOf(1, 1);
    // All at the same instant: every stored TAT is in the future, so no slot is idle and every
    // key that finds no empty slot pushes a live one out.
    constexpr uint64_t kFlood = 100'000;
    for (uint64_t i = 0; i < kFlood; ++i) ASSERT_TRUE(table.take(keyOf(i), kStart, p).allowed);
    const auto stats = table.stats();
    EXPECT_GT(stats.evictions, 0u);
    EXPECT_EQ(stats.evictions + stats.keys, kFlood);
}

TEST(LimiterTable, aFloodEvictsTheSoonestExpiringKeyNotTheMostLimited) {
    LimiterTable table(1000);
    const auto flood = paramsOf(1, 1);
    const auto strict = paramsOf(1, 100);
    const uint64_t heavy = keyOf(~0ULL);
    // The heavy hitter has used its whole burst: its TAT is 100 s ahead.
    ASSERT_EQ(admitted(table, heavy, kStart, strict, 200), 100);
    for (uint64_t i = 0; i < 100'000; ++i) table.take(keyOf(i), kStart, flood);
    ASSERT_GT(table.stats().evictions, 0u);
    // Still remembered, so still limited: spoofed addresses cannot wash a real client's state.
    EXPECT_FALSE(table.take(heavy, kStart, strict).allowed);
}

TEST(LimiterTable, clearForgetsEveryKey) {
    LimiterTable table(1000);
    const auto p = paramsOf(1, 1);
    ASSERT_TRUE(table.take(keyOf(1), kStart, p).allowed);
    ASSERT_FALSE(table.take(keyOf(1), kStart, p).allowed);
    table.clear();
    EXPECT_EQ(table.stats().keys, 0u);
    EXPECT_TRUE(table.take(keyOf(1), kStart, p).allowed);
}

TEST(LimiterTable, oneMillionKeysFitIn128MB) {
    LimiterTable table(1'000'000);
    const auto stats = table.stats();
    std::printf(
        "LimiterTable(1'000'000): capacity %zu keys, %zu bytes (%.1f MiB, %.1f bytes/key)\n",
        stats.capacity, stats.memoryBytes, stats.memoryBytes / 1048576.0,
        static_cast<double>(stats.memoryBytes) / static_cast<double>(stats.capacity));
    EXPECT_GE(stats.capacity, 1'000'000u);
    EXPECT_LE(stats.memoryBytes, 128u * 1024 * 1024);
}

TEST(LimiterTable, oneMillionLiveKeysAllKeepTheirState) {
    LimiterTable table(1'000'000);
    const auto p = paramsOf(1, 1);  // one request each: every key stays limited (live)
    for (uint64_t i = 0; i < 1'000'000; ++i) ASSERT_TRUE(table.take(keyOf(i), kStart, p).allowed);
    const auto stats = table.stats();
    std::printf("1,000,000 live keys: %zu held, %llu evicted, %.1f MiB\n", stats.keys,
                static_cast<unsigned long long>(stats.evictions), stats.memoryBytes / 1048576.0);
    EXPECT_LE(stats.evictions, 10'000u);  // ≤ 1 %
    // And they are still limited: a second request from the first 10,000 keys is refused, but
    // for the few evicted ones (which keys those are depends on the process's hash seed).
    int refused = 0;
    for (uint64_t i = 0; i < 10'000; ++i) refused += table.take(keyOf(i), kStart + 1, p).allowed ? 0 : 1;
    EXPECT_GE(refused, 9'900);
}

// Four threads take the same keys at the same injected instants (a barrier between instants),
// so whatever order the slot locks let them in, each key must admit exactly burst + rate·t.
TEST(LimiterTable, concurrentTakesOnSharedKeysAreExact) {
    LimiterTable table(1000);
    const double rate = 100, burst = 20;
    const auto p = paramsOf(rate, burst);
    constexpr int kThreads = 4, kSteps = 500, kTakesPerStep = 5, kKeys = 8;
    const int64_t step = p.emissionNs;  // one refill per step: t = kSteps emissions
    std::array<std::atomic<int>, kKeys> admittedPerKey{};
    std::barrier sync(kThreads);
    std::vector<std::thread> threads;
    for (int t = 0; t < kThreads; ++t) {
        threads.emplace_back([&, t] {
            for (int s = 0; s <= kSteps; ++s) {
                const int64_t now = kStart + s * step;
                for (int n = 0; n < kTakesPerStep; ++n) {
                    for (int k = 0; k < kKeys; ++k) {
                        const int key = (k + t) % kKeys;  // threads meet on every key
                        if (table.take(keyOf(key), now, p).allowed) admittedPerKey[key]++;
                    }
                }
                sync.arrive_and_wait();
            }
        });
    }
    for (auto& thread : threads) thread.join();
    const double seconds = static_cast<double>(kSteps * step) / kSecond;
    for (int k = 0; k < kKeys; ++k) {
        EXPECT_EQ(admittedPerKey[k].load(), static_cast<int>(burst + rate * seconds))
            << "key " << k;
    }
}

TEST(GlobalLimiter, admitsBurstPlusRateTimesTimeUnderSteadyOverload) {
    for (const auto& [rate, burst] : {std::pair{10.0, 5.0}, {0.5, 1.0}, {100'000.0, 1000.0}}) {
        GlobalLimiter global;
        const auto p = paramsOf(rate, burst);
        const double offeredPerSecond = rate * 10;
        const int64_t offered = std::llround(offeredPerSecond * 10);
        int64_t admittedCount = 0;
        for (int64_t i = 0; i <= offered; ++i) {
            const int64_t at =
                kStart + std::llround(static_cast<double>(i) * kSecond / offeredPerSecond);
            admittedCount += global.take(at, p).allowed ? 1 : 0;
        }
        const double expected = burst + rate * 10;
        EXPECT_NEAR(static_cast<double>(admittedCount), expected, expected * 0.01)
            << "rate " << rate;
    }
}

TEST(GlobalLimiter, deniedTakeDoesNotConsumeAndResetForgets) {
    GlobalLimiter global;
    const auto p = paramsOf(10, 2);
    ASSERT_TRUE(global.take(kStart, p).allowed);
    ASSERT_TRUE(global.take(kStart, p).allowed);
    const auto denied = global.take(kStart, p);
    ASSERT_FALSE(denied.allowed);
    EXPECT_EQ(denied.retryAfterNs, 100'000'000);
    for (int i = 0; i < 100; ++i) ASSERT_FALSE(global.take(kStart + i, p).allowed);
    EXPECT_TRUE(global.take(kStart + denied.retryAfterNs, p).allowed);
    global.reset();
    EXPECT_TRUE(global.take(kStart + denied.retryAfterNs, p).allowed);
}

// kThreads threads take `takesPerStep` each at every injected instant kStart + s·step for
// s = 0..steps (a barrier between instants); returns how many were admitted in all.
constexpr int kThreads = 4;
int64_t admittedByThreads(GlobalLimiter& global, const GcraParams& p, int steps, int64_t step,
                          int takesPerStep) {
    std::atomic<int64_t> admittedCount{0};
    std::barrier sync(kThreads);
    std::vector<std::thread> threads;
    for (int t = 0; t < kThreads; ++t) {
        threads.emplace_back([&] {
            for (int s = 0; s <= steps; ++s) {
                for (int n = 0; n < takesPerStep; ++n) {
                    if (global.take(kStart + s * step, p).allowed) admittedCount++;
                }
                sync.arrive_and_wait();
            }
        });
    }
    for (auto& thread : threads) thread.join();
    return admittedCount.load();
}

TEST(GlobalLimiter, concurrentTakesAreExact) {
    GlobalLimiter global;
    const double rate = 1000, burst = 50;
    const auto p = paramsOf(rate, burst);
    constexpr int kSteps = 2000;
    const int64_t step = p.emissionNs / 2;  // a refill every other step
    const int64_t admitted = admittedByThreads(global, p, kSteps, step, 10);
    const double seconds = static_cast<double>(kSteps * step) / kSecond;
    EXPECT_EQ(admitted, static_cast<int64_t>(burst + rate * seconds));
}

// At a high rate threads take leases of several requests. Nothing may be admitted beyond
// burst + rate·t, and what is lost is at most what the threads hold unspent: one lease each.
TEST(GlobalLimiter, leasedTakesNeverExceedTheLimitAndLoseAtMostALeasePerThread) {
    GlobalLimiter global;
    const double rate = 200'000, burst = 2'000;
    const auto p = paramsOf(rate, burst);
    const int64_t lease = GlobalLimiter::leaseSize(p);
    ASSERT_GT(lease, 1) << "this test is about leases";
    constexpr int kSteps = 4000;
    const int64_t step = p.emissionNs * 2;  // two refills a step: offered 40 a step, 2 admitted
    const int64_t admitted = admittedByThreads(global, p, kSteps, step, 10);
    const double seconds = static_cast<double>(kSteps * step) / kSecond;
    const auto exact = static_cast<int64_t>(burst + rate * seconds);
    EXPECT_LE(admitted, exact);
    EXPECT_GE(admitted, exact - kThreads * lease);
}

TEST(GlobalLimiter, leaseSizeIsOneAtLowRatesAndBoundedAtHighOnes) {
    EXPECT_EQ(GlobalLimiter::leaseSize(paramsOf(1000, 5000)), 1);   // 1 ms of the rate
    EXPECT_EQ(GlobalLimiter::leaseSize(paramsOf(100'000, 80)), 10);  // an eighth of the burst
    EXPECT_EQ(GlobalLimiter::leaseSize(paramsOf(100'000, 10'000)), 100);
    EXPECT_EQ(GlobalLimiter::leaseSize(paramsOf(1e9, 1e10)), 256);
}

TEST(GlobalLimiter, newParametersDropTheOldLease) {
    GlobalLimiter global;
    const auto loose = paramsOf(1e6, 1e5);
    ASSERT_GT(GlobalLimiter::leaseSize(loose), 1);
    ASSERT_TRUE(global.take(kStart, loose).allowed);  // leaves a lease of loose requests
    // Later, under a limit of one a second: the first request passes, and the second must not
    // be admitted from what remained of the old lease.
    const auto strict = paramsOf(1, 1);
    const int64_t later = kStart + 10 * kSecond;
    EXPECT_TRUE(global.take(later, strict).allowed);
    EXPECT_FALSE(global.take(later, strict).allowed) << "a lease from the old limit was spent";
}

}  // namespace
}  // namespace rampart::limits
