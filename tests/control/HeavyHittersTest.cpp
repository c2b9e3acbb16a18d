#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <limits>
#include <map>
#include <memory>
#include <new>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "control/HeavyHitters.h"

// Counts heap allocations made by the thread that asks, so a test can show that recording keys
// allocates nothing: the sketch's memory is fixed when it is built.
namespace {
std::atomic<size_t> gAllocations{0};
thread_local bool gCountAllocations = false;
}  // namespace

// Out of line: inlined into callers, GCC mistakes the malloc/free pairing for a mismatch.
[[gnu::noinline]] void* operator new(std::size_t size) {
    if (gCountAllocations) gAllocations.fetch_add(1, std::memory_order_relaxed);
    if (void* p = std::malloc(size ? size : 1)) return p;
    throw std::bad_alloc();
}
[[gnu::noinline]] void operator delete(void* p) noexcept { std::free(p); }
[[gnu::noinline]] void operator delete(void* p, std::size_t) noexcept { std::free(p); }

namespace rampart::control {
namespace {

constexpr int64_t kSecond = 1'700'000'000;

std::map<std::string, uint64_t> asMap(const std::vector<HeavyHitters::Entry>& entries) {
    std::map<std::string, uint64_t> out;
    for (const auto& e : entries) out[e.key] = e.count;
    return out;
}

uint64_t sum(const std::vector<HeavyHitters::Entry>& entries) {
    uint64_t total = 0;
    for (const auto& e : entries) total += e.count;
    return total;
}

constexpr size_t kAll = std::numeric_limits<size_t>::max();

TEST(HeavyHittersTest, findsTheTrueTopKeysOfAZipfStream) {
    // Key k occurs ~ 20000 / k^1.2 times (5000 keys, ~92k events), in a fixed random order.
    std::map<std::string, uint64_t> truth;
    std::vector<std::string> stream;
    for (int k = 1; k <= 5000; ++k) {
        const auto count = std::max<uint64_t>(1, static_cast<uint64_t>(20000 / std::pow(k, 1.2)));
        const std::string key = "user-" + std::to_string(k);
        truth[key] = count;
        stream.insert(stream.end(), count, key);
    }
    std::shuffle(stream.begin(), stream.end(), std::mt19937(42));
    auto sketch = std::make_unique<HeavyHitters>();
    for (const auto& key : stream) sketch->record(key, kSecond);

    const auto top = sketch->top(10, 1, kSecond);
    ASSERT_EQ(top.size(), 10u);
    for (int rank = 0; rank < 10; ++rank) {
        EXPECT_EQ(top[rank].key, "user-" + std::to_string(rank + 1)) << "rank " << rank + 1;
    }
    // Every count the sketch reports is an upper bound of the truth...
    const auto all = sketch->top(kAll, 1, kSecond);
    for (const auto& e : all) EXPECT_GE(e.count, truth.at(e.key)) << e.key;
    // ...and no event is lost or counted twice: each one increments exactly one counter.
    EXPECT_EQ(sum(all), stream.size());
    EXPECT_LE(all.size(), HeavyHitters::kShards * HeavyHitters::kCountersPerShard);
}

TEST(HeavyHittersTest, countsAreExactForKeysNeverEvicted) {
    auto sketch = std::make_unique<HeavyHitters>();
    // Eight heavy keys first: they hold their counters from the start and stay far above the
    // smallest counter while 50000 one-off keys churn through the rest.
    for (int round = 0; round < 5000; ++round) {
        for (int h = 0; h < 8; ++h) sketch->record("heavy-" + std::to_string(h), kSecond);
    }
    for (int i = 0; i < 50'000; ++i) sketch->record("once-" + std::to_string(i), kSecond);

    const auto top = sketch->top(8, 1, kSecond);
    ASSERT_EQ(top.size(), 8u);
    for (const auto& e : top) {
        EXPECT_TRUE(e.key.starts_with("heavy-")) << e.key;
        EXPECT_EQ(e.count, 5000u) << e.key;
    }
    const auto all = sketch->top(kAll, 1, kSecond);
    EXPECT_EQ(sum(all), 8u * 5000 + 50'000);
    for (const auto& e : all) EXPECT_GE(e.count, 1u);
}

TEST(HeavyHittersTest, selectsTheSecondsOfTheWindow) {
    HeavyHitters sketch;
    for (int i = 0; i < 5; ++i) sketch.record("old", kSecond);
    for (int i = 0; i < 3; ++i) sketch.record("mid", kSecond + 4);
    for (int i = 0; i < 2; ++i) sketch.record("new", kSecond + 5);

    const auto window = [&](int seconds, int64_t now) {
        return asMap(sketch.top(10, seconds, now));
    };
    using Counts = std::map<std::string, uint64_t>;
    EXPECT_EQ(window(1, kSecond + 5), (Counts{{"new", 2}}));
    EXPECT_EQ(window(2, kSecond + 5), (Counts{{"mid", 3}, {"new", 2}}));
    EXPECT_EQ(window(5, kSecond + 5), (Counts{{"mid", 3}, {"new", 2}}));
    EXPECT_EQ(window(6, kSecond + 5), (Counts{{"mid", 3}, {"new", 2}, {"old", 5}}));
    EXPECT_EQ(window(6, kSecond + 6), (Counts{{"mid", 3}, {"new", 2}}));
    // Seconds after `now` are not part of its window.
    EXPECT_EQ(window(10, kSecond + 3), (Counts{{"old", 5}}));
    // Out-of-range windows are clamped to 1..kSeconds.
    EXPECT_EQ(window(0, kSecond + 5), (Counts{{"new", 2}}));
    EXPECT_EQ(window(1000, kSecond + 5), window(10, kSecond + 5));

    // Ten seconds later the ring slot is reused: the old second's counts are gone, not added.
    sketch.record("old", kSecond + 10);
    EXPECT_EQ(window(10, kSecond + 10), (Counts{{"mid", 3}, {"new", 2}, {"old", 1}}));
    EXPECT_EQ(sketch.top(10, 10, kSecond + 10).front().key, "mid");
}

TEST(HeavyHittersTest, ordersByCountThenKeyAndHonoursTheLimit) {
    HeavyHitters sketch;
    for (const auto* key : {"b", "a", "c", "a", "c", "a"}) sketch.record(key, kSecond);
    const auto top = sketch.top(2, 1, kSecond);
    ASSERT_EQ(top.size(), 2u);
    EXPECT_EQ(top[0].key, "a");
    EXPECT_EQ(top[0].count, 3u);
    EXPECT_EQ(top[1].key, "c");
    EXPECT_TRUE(sketch.top(0, 1, kSecond).empty());
}

TEST(HeavyHittersTest, cutsLongKeysAndIgnoresEmptyOnes) {
    HeavyHitters sketch;
    const std::string subject(100, 's');
    sketch.record(subject, kSecond);
    sketch.record(subject.substr(0, HeavyHitters::kMaxKeyBytes) + "different tail", kSecond);
    sketch.record("", kSecond);
    sketch.record("negative", -1);
    const auto top = sketch.top(10, 1, kSecond);
    ASSERT_EQ(top.size(), 1u);
    EXPECT_EQ(top[0].key, subject.substr(0, HeavyHitters::kMaxKeyBytes));
    EXPECT_EQ(top[0].count, 2u);
}

TEST(HeavyHittersTest, memoryIsFixedHoweverManyKeysAreRecorded) {
    auto sketch = std::make_unique<HeavyHitters>();
    const size_t before = HeavyHitters::memoryBytes();
    EXPECT_EQ(before, sizeof(HeavyHitters));
    EXPECT_LT(before, size_t{1} << 20);  // what BENCHMARKS.md reports: well under a megabyte

    char key[32] = "client-";
    gAllocations = 0;
    gCountAllocations = true;
    for (uint32_t i = 0; i < 1'000'000; ++i) {
        auto [end, ec] = std::to_chars(key + 7, key + sizeof key, i);
        sketch->record(std::string_view(key, static_cast<size_t>(end - key)),
                       kSecond + static_cast<int64_t>(i / 100'000));
    }
    gCountAllocations = false;
    EXPECT_EQ(gAllocations.load(), 0u) << "record() allocated";
    EXPECT_EQ(HeavyHitters::memoryBytes(), before);

    // What it can report is bounded by its counters, not by the keys it has seen.
    const auto all = sketch->top(kAll, static_cast<int>(HeavyHitters::kSeconds), kSecond + 9);
    EXPECT_LE(all.size(),
              HeavyHitters::kShards * HeavyHitters::kCountersPerShard * HeavyHitters::kSeconds);
    EXPECT_EQ(sum(all), 1'000'000u);
}

TEST(HeavyHittersTest, recordsFromManyThreadsWithoutLosingEvents) {
    auto sketch = std::make_unique<HeavyHitters>();
    constexpr int kThreads = 4;
    constexpr int kPerThread = 50'000;
    std::atomic<bool> go{false};
    std::vector<std::thread> threads;
    for (int t = 0; t < kThreads; ++t) {
        threads.emplace_back([&, t] {
            while (!go.load()) std::this_thread::yield();
            for (int i = 0; i < kPerThread; ++i) {
                if (i % 4 == 0) {
                    sketch->record("hot", kSecond);
                } else {
                    sketch->record("t" + std::to_string(t) + "-" + std::to_string(i), kSecond);
                }
                // Readers run alongside the writers, as Watch does.
                if (i % 5000 == 0) (void)sketch->top(10, 1, kSecond);
            }
        });
    }
    go = true;
    for (auto& thread : threads) thread.join();

    const auto all = sketch->top(kAll, 1, kSecond);
    EXPECT_EQ(sum(all), uint64_t{kThreads} * kPerThread);
    ASSERT_FALSE(all.empty());
    EXPECT_EQ(all.front().key, "hot");
    EXPECT_EQ(all.front().count, uint64_t{kThreads} * kPerThread / 4);
}

}  // namespace
}  // namespace rampart::control
