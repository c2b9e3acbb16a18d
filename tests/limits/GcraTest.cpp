#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>

#include "limits/Gcra.h"
#include "limits/LimitBounds.h"

namespace rampart::limits {
namespace {

constexpr int64_t kSecond = 1'000'000'000;
// An arbitrary steady-clock reading, far from zero like a real one.
constexpr int64_t kStart = 5'000 * kSecond;

GcraParams paramsOf(double rate, double burst) { return GcraParams::of({rate, burst, false}); }

// Takes against one stored TAT the way a limiter slot does.
struct Bucket {
    GcraParams params;
    int64_t tat = 0;

    GcraDecision take(int64_t nowNs) {
        const auto decision = gcra(tat, nowNs, params);
        if (decision.allowed) tat = decision.newTat;
        return decision;
    }
};

int admittedAt(Bucket& bucket, int64_t nowNs, int offered) {
    int admitted = 0;
    for (int i = 0; i < offered; ++i) admitted += bucket.take(nowNs).allowed ? 1 : 0;
    return admitted;
}

TEST(Gcra, disabledRuleHasNoParams) {
    const auto p = paramsOf(0, 10);
    EXPECT_EQ(p.emissionNs, 0);
    EXPECT_EQ(p.toleranceNs, 0);
    EXPECT_FALSE((LimitRule{0, 10, false}).enabled());
    EXPECT_TRUE((LimitRule{0.5, 1, false}).enabled());
}

TEST(Gcra, paramsAreOneOverRateAndBurstEmissions) {
    EXPECT_EQ(paramsOf(10, 5).emissionNs, 100'000'000);
    EXPECT_EQ(paramsOf(10, 5).toleranceNs, 500'000'000);
    EXPECT_EQ(paramsOf(0.5, 1).emissionNs, 2 * kSecond);
    EXPECT_EQ(paramsOf(100'000, 1).emissionNs, 10'000);
    // A burst below one still lets a single request through.
    EXPECT_EQ(paramsOf(10, 0.2).toleranceNs, 100'000'000);
}

TEST(Gcra, admitsExactlyBurstAtOnceFromFresh) {
    for (double burst : {1.0, 2.0, 5.0, 100.0, 2.5}) {
        Bucket bucket{paramsOf(10, burst)};
        EXPECT_EQ(admittedAt(bucket, kStart, 1000), static_cast<int>(std::floor(burst)))
            << "burst " << burst;
    }
}

TEST(Gcra, refillsOneRequestPerEmissionInterval) {
    Bucket bucket{paramsOf(10, 5)};
    ASSERT_EQ(admittedAt(bucket, kStart, 5), 5);
    EXPECT_FALSE(bucket.take(kStart).allowed);
    EXPECT_FALSE(bucket.take(kStart + 100'000'000 - 1).allowed);
    EXPECT_TRUE(bucket.take(kStart + 100'000'000).allowed);
    EXPECT_FALSE(bucket.take(kStart + 100'000'000).allowed);
    // Half a second later the burst has refilled by five, and no further.
    EXPECT_EQ(admittedAt(bucket, kStart + 600'000'000, 100), 5);
}

TEST(Gcra, idleTimeRefillsNoMoreThanTheBurst) {
    Bucket bucket{paramsOf(10, 5)};
    ASSERT_EQ(admittedAt(bucket, kStart, 5), 5);
    EXPECT_EQ(admittedAt(bucket, kStart + 3600 * kSecond, 100), 5);
}

TEST(Gcra, retryAfterIsExactAndRetryingThenPasses) {
    for (const auto& [rate, burst] :
         {std::pair{10.0, 5.0}, {0.5, 1.0}, {3.0, 7.0}, {100'000.0, 50.0}}) {
        Bucket bucket{paramsOf(rate, burst)};
        const int64_t emission = bucket.params.emissionNs;
        admittedAt(bucket, kStart, static_cast<int>(burst));
        const auto denied = bucket.take(kStart);
        ASSERT_FALSE(denied.allowed);
        EXPECT_EQ(denied.retryAfterNs, emission) << "rate " << rate;

        // Part of the way there, the wait shrinks by exactly the time that passed.
        const int64_t part = emission / 3;
        const auto later = bucket.take(kStart + part);
        ASSERT_FALSE(later.allowed);
        EXPECT_EQ(later.retryAfterNs, emission - part);

        EXPECT_FALSE(bucket.take(kStart + denied.retryAfterNs - 1).allowed);
        const auto retried = bucket.take(kStart + denied.retryAfterNs);
        EXPECT_TRUE(retried.allowed) << "rate " << rate;
        EXPECT_EQ(retried.retryAfterNs, 0);
    }
}

TEST(Gcra, deniedRequestsDoNotConsume) {
    Bucket bucket{paramsOf(10, 5)};
    admittedAt(bucket, kStart, 5);
    const int64_t tatBefore = bucket.tat;
    const auto first = gcra(bucket.tat, kStart, bucket.params);
    ASSERT_FALSE(first.allowed);
    EXPECT_EQ(first.newTat, tatBefore);  // a denial hands back the stored TAT untouched
    for (int i = 0; i < 10'000; ++i) {
        const auto again = bucket.take(kStart + i);
        ASSERT_FALSE(again.allowed);
        // The next allowed time stays put: now + retryAfter is the same instant every time.
        ASSERT_EQ(kStart + i + again.retryAfterNs, kStart + first.retryAfterNs);
    }
    EXPECT_EQ(bucket.tat, tatBefore);
    EXPECT_TRUE(bucket.take(kStart + first.retryAfterNs).allowed);
}

// Requests offered at `overload` × the rate, evenly spaced, from kStart to kStart + seconds
// inclusive; returns how many were admitted.
int64_t admittedUnderOverload(double rate, double burst, int seconds, int overload) {
    Bucket bucket{paramsOf(rate, burst)};
    const double offeredPerSecond = rate * overload;
    const int64_t offered = std::llround(offeredPerSecond * seconds);
    int64_t admitted = 0;
    for (int64_t i = 0; i <= offered; ++i) {
        const int64_t at =
            kStart + std::llround(static_cast<double>(i) * kSecond / offeredPerSecond);
        admitted += bucket.take(at).allowed ? 1 : 0;
    }
    return admitted;
}

TEST(Gcra, steadyOverloadAdmitsBurstPlusRateTimesTimeWithinOnePercent) {
    struct Case {
        double rate, burst;
    };
    constexpr int kSeconds = 10;
    for (const auto& c : {Case{10, 5}, Case{0.5, 1}, Case{0.5, 4}, Case{3, 7}, Case{7.3, 2.5},
                          Case{1000, 1}, Case{1000, 1000}, Case{100'000, 1}, Case{100'000, 5000}}) {
        const double expected = c.burst + c.rate * kSeconds;
        const auto admitted = admittedUnderOverload(c.rate, c.burst, kSeconds, 10);
        EXPECT_NEAR(static_cast<double>(admitted), expected, expected * 0.01)
            << "rate " << c.rate << "/s, burst " << c.burst;
        // GCRA never admits more than the formula allows.
        EXPECT_LE(static_cast<double>(admitted), expected) << "rate " << c.rate;
    }
}

TEST(Gcra, heavierOverloadAdmitsNoMore) {
    // The offered load must not change what gets through: 2× and 50× admit the same.
    EXPECT_EQ(admittedUnderOverload(20, 10, 10, 2), admittedUnderOverload(20, 10, 10, 50));
}

}  // namespace
}  // namespace rampart::limits

namespace rampart::limits {
namespace {

TEST(Gcra, raisingALimitHelpsAThrottledClientAtOnce) {
    const auto loose = GcraParams::of({1, 60, false});
    int64_t tat = 0;
    const int64_t now = 1'000'000'000'000;
    for (int i = 0; i < 60; ++i) tat = gcra(tat, now, loose).newTat;  // the whole burst used
    EXPECT_FALSE(gcra(tat, now, loose).allowed);
    // The operator raises the limit: the client's old debt (59 s under the old limit) does not
    // outlive it; at worst the bucket starts empty under the new limit, one 10 ms interval away.
    const auto raised = GcraParams::of({100, 100, false});
    const auto next = gcra(tat, now, raised);
    EXPECT_FALSE(next.allowed);
    EXPECT_EQ(next.retryAfterNs, 10'000'000);
    tat = next.newTat;  // as a limiter slot stores it
    EXPECT_TRUE(gcra(tat, now + 10'000'000, raised).allowed);
}

// The edges of the accepted range (LimitBounds.h): a fresh client gets its whole burst at once,
// one more is refused for exactly one emission interval, and then one is admitted — at any
// steady-clock reading a process can see, so nothing in between overflows.
TEST(Gcra, burstThenOneAnIntervalHoldsAtTheEdgesOfTheAcceptedRange) {
    struct Edge {
        double rate, burst;
    };
    for (const Edge edge :
         {Edge{kMinRate, 1}, Edge{kMinRate, 99}, Edge{kMaxRate, 1}, Edge{kMaxRate, kMaxBurst},
          Edge{0.1, 9e6}, Edge{1e3, kMaxBurst}, Edge{0.01, 9e5}}) {
        const LimitRule rule{edge.rate, edge.burst, false};
        ASSERT_TRUE(checkLimitRule(rule).ok()) << edge.rate << " " << edge.burst;
        const auto p = GcraParams::of(rule);
        ASSERT_GT(p.emissionNs, 0);
        ASSERT_GE(p.toleranceNs, p.emissionNs);
        for (const int64_t start : {kStart, int64_t{4'000'000'000} * kSecond}) {
            // Taking the whole burst one by one would take 1e9 steps: start from the TAT the
            // burst leaves behind, minus one request, which is the same state.
            Bucket bucket{p, start + p.toleranceNs - p.emissionNs};
            EXPECT_TRUE(bucket.take(start).allowed) << edge.rate << " " << edge.burst;
            const auto refused = bucket.take(start);
            EXPECT_FALSE(refused.allowed) << edge.rate << " " << edge.burst;
            EXPECT_EQ(refused.retryAfterNs, p.emissionNs);
            EXPECT_FALSE(bucket.take(start + p.emissionNs - 1).allowed);
            EXPECT_TRUE(bucket.take(start + p.emissionNs).allowed);
            // A fresh client's first request is always admitted.
            Bucket fresh{p, 0};
            EXPECT_TRUE(fresh.take(start).allowed) << edge.rate << " " << edge.burst;
        }
    }
}

TEST(Gcra, valuesOutsideTheAcceptedRangeAreRefusedAndNeverOverflow) {
    const double nan = std::nan("");
    const double inf = HUGE_VAL;
    for (const LimitRule rule :
         {LimitRule{1e-11, 1, false}, LimitRule{kMinRate * 0.99, 1, false},
          LimitRule{2e9, 1, false}, LimitRule{nan, 1, false}, LimitRule{inf, 1, false},
          LimitRule{-1, 1, false}, LimitRule{1, 0.5, false}, LimitRule{1, 2e9, false},
          LimitRule{0, nan, false}, LimitRule{1, inf, false}, LimitRule{0.1, 1e9, false}}) {
        EXPECT_FALSE(checkLimitRule(rule).ok()) << rule.rate << " " << rule.burst;
        // Had one slipped past: saturated, never negative or inverted (was UB in llround/clamp).
        const auto p = GcraParams::of(rule);
        if (!rule.enabled()) continue;
        EXPECT_GE(p.emissionNs, 1);
        EXPECT_LE(p.emissionNs, kMaxEmissionNs);
        EXPECT_GE(p.toleranceNs, p.emissionNs);
        EXPECT_LE(p.toleranceNs, kMaxToleranceNs);
        Bucket fresh{p, 0};
        EXPECT_TRUE(fresh.take(kStart).allowed) << rule.rate << " " << rule.burst;
    }
}

}  // namespace
}  // namespace rampart::limits
