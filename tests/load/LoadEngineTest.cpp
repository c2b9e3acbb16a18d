// rampart-load's engine: schedules, skew, latency summaries and the traffic mix.
#include <gtest/gtest.h>

#include <cmath>
#include <map>

#include "jwt/JwksParser.h"
#include "jwt/Verifier.h"
#include "load/Profile.h"
#include "load/Recorder.h"
#include "load/TrafficMix.h"
#include "load/Zipf.h"

namespace rampart::load {
namespace {

TEST(Profile, constantDeliversRateTimesDuration) {
    const auto p = Profile::constant(1000, 10);
    EXPECT_DOUBLE_EQ(p.durationSeconds(), 10);
    EXPECT_NEAR(p.totalRequests(), 10'000, 1e-6);
    EXPECT_NEAR(p.dueBy(2.5), 2500, 1e-6);
}

TEST(Profile, rampIntegratesTheLine) {
    const auto p = Profile::ramp(0, 1000, 10);  // area of a triangle
    EXPECT_NEAR(p.totalRequests(), 5000, 1e-6);
    EXPECT_NEAR(p.rateAt(5), 500, 1e-9);
    EXPECT_NEAR(p.dueBy(5), 1250, 1e-6);
}

TEST(Profile, spikeHasItsPhasesInOrder) {
    const auto p = Profile::spike(100, 5000, 2, 3, 10, 5);
    EXPECT_DOUBLE_EQ(p.durationSeconds(), 20);
    EXPECT_NEAR(p.rateAt(1), 100, 1e-9);      // baseline
    EXPECT_NEAR(p.rateAt(3.5), 2550, 1e-9);   // halfway up
    EXPECT_NEAR(p.rateAt(10), 5000, 1e-9);    // hold
    EXPECT_NEAR(p.rateAt(17.5), 2550, 1e-9);  // halfway down
    EXPECT_NEAR(p.totalRequests(), 200 + 7650 + 50'000 + 12'750, 1e-6);
    double previous = -1;
    for (double t = 0; t <= 20; t += 0.01) {
        EXPECT_GE(p.dueBy(t), previous);
        previous = p.dueBy(t);
    }
}

TEST(Zipf, uniformWhenTheExponentIsZero) {
    Zipf zipf(10, 0);
    std::mt19937_64 rng(1);
    std::map<size_t, int> counts;
    for (int i = 0; i < 100'000; ++i) ++counts[zipf(rng)];
    for (const auto& [k, n] : counts) EXPECT_NEAR(n, 10'000, 600) << k;
}

TEST(Zipf, skewedDrawsFavourTheFirstItems) {
    Zipf zipf(1000, 1.0);
    std::mt19937_64 rng(2);
    int first = 0, tenth = 0;
    for (int i = 0; i < 200'000; ++i) {
        const auto k = zipf(rng);
        ASSERT_LT(k, 1000u);
        first += k == 0;
        tenth += k == 9;
    }
    // P(k) ∝ 1/(k+1): the first item is ten times the tenth.
    EXPECT_NEAR(static_cast<double>(first) / tenth, 10.0, 1.0);
}

TEST(Recorder, percentilesWithinTheBucketWidth) {
    Recorder recorder;
    for (int us = 1; us <= 10'000; ++us) recorder.record(1, us);
    const auto s = recorder.summary();
    EXPECT_EQ(s.completed, 10'000u);
    EXPECT_EQ(s.verdicts[1], 10'000u);
    EXPECT_NEAR(s.p50, 5000, 5000 * 0.03);
    EXPECT_NEAR(s.p99, 9900, 9900 * 0.03);
    EXPECT_DOUBLE_EQ(s.max, 10'000);
}

TEST(Recorder, intervalsResetWhileTotalsKeepCounting) {
    Recorder recorder;
    recorder.record(1, 10);
    recorder.error(20);
    recorder.dropped();
    auto interval = recorder.takeInterval();
    EXPECT_EQ(interval.completed, 2u);
    EXPECT_EQ(interval.errors, 1u);
    EXPECT_EQ(interval.dropped, 1u);
    EXPECT_EQ(recorder.takeInterval().completed, 0u);
    EXPECT_EQ(recorder.summary().completed, 2u);
}

TEST(TrafficMix, drawsEachKindInItsShareAndValidTokensVerify) {
    auto key = jwt::SigningKey::generate(jwt::Algorithm::EdDSA, "k");
    ASSERT_TRUE(key.ok());
    const int64_t now = 1'800'000'000;
    auto mix = TrafficMix::make(*key, {70, 10, 10, 10}, {200, 1.0, 1000, 1.0}, now);
    ASSERT_TRUE(mix.ok());
    auto keys = jwt::parseJwks(jwt::jwksOf({key->publicJwk()}), {});
    ASSERT_TRUE(keys.ok());
    jwt::Verifier verifier({});
    std::mt19937_64 rng(3);
    std::map<Verdict, int> verdicts;
    for (int i = 0; i < 5000; ++i) {
        const auto draw = mix->draw(rng);
        ASSERT_FALSE(draw.clientIp->empty());
        ++verdicts[verifier.verify(*draw.token, *keys->keys, now).verdict];
    }
    EXPECT_NEAR(verdicts[Verdict::Allow], 3500, 250);
    EXPECT_NEAR(verdicts[Verdict::Expired], 500, 120);
    EXPECT_NEAR(verdicts[Verdict::InvalidToken], 1000, 170);  // forged + garbage
}

TEST(TrafficMix, refusesMeaninglessWeights) {
    auto key = jwt::SigningKey::generate(jwt::Algorithm::HS256, "k");
    EXPECT_FALSE(TrafficMix::make(*key, {0, 0, 0, 0}, {}, 0).ok());
    EXPECT_FALSE(TrafficMix::make(*key, {-1, 1, 1, 1}, {}, 0).ok());
}

}  // namespace
}  // namespace rampart::load
