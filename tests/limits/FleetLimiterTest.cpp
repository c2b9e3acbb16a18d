// The fleet-wide global limit against a real redis-server on loopback. Two FleetLimiters with one
// key stand for two agents of a fleet.
#include "limits/FleetLimiter.h"

#include <gtest/gtest.h>

#include <chrono>
#include <cmath>

#include "support/RedisServer.h"

namespace rampart::limits {
namespace {

using namespace std::chrono_literals;
using testing::RedisServer;

int64_t steadyNs() {
    return std::chrono::duration_cast<std::chrono::nanoseconds>(
               std::chrono::steady_clock::now().time_since_epoch())
        .count();
}

GcraParams paramsOf(double rate, double burst) { return GcraParams::of({rate, burst, false}); }

FleetLimitConfig configFor(const RedisServer& redis, std::string password = "") {
    FleetLimitConfig config;
    config.redis.address = redis.address();
    config.redis.password = std::move(password);
    config.redis.timeout = 500ms;  // generous: a sanitizer build on a busy machine is slow
    config.retryAfterFailure = 50ms;
    return config;
}

class FleetLimiterTest : public ::testing::Test {
protected:
    void SetUp() override { ASSERT_TRUE(redis.start()) << redis.log(); }

    RedisServer redis;
};

TEST_F(FleetLimiterTest, twoAgentsShareOneBudget) {
    FleetLimiter first(configFor(redis)), second(configFor(redis));
    const double rate = 1, burst = 40;
    const auto p = paramsOf(rate, burst);
    ASSERT_EQ(first.leaseSize(p), 1) << "one request a call: the count must be exact";
    int admittedFirst = 0, admittedSecond = 0;
    const auto started = std::chrono::steady_clock::now();
    for (int i = 0; i < 100; ++i) {
        const auto a = first.take(steadyNs(), p);
        const auto b = second.take(steadyNs(), p);
        admittedFirst += a.allowed;
        admittedSecond += b.allowed;
        for (const auto& d : {a, b}) {
            if (!d.allowed) {
                EXPECT_GT(d.retryAfterNs, 0);
                EXPECT_LE(d.retryAfterNs, 1'000'000'000);
            }
        }
    }
    const double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    const int total = admittedFirst + admittedSecond;
    EXPECT_GE(total, static_cast<int>(burst));
    EXPECT_LE(total, static_cast<int>(burst + std::floor(rate * elapsed)) + 1);
    EXPECT_GT(admittedFirst, 10);
    EXPECT_GT(admittedSecond, 10);
    EXPECT_TRUE(first.stats().redisUp);
    EXPECT_EQ(first.stats().redisErrors, 0u);
}

TEST_F(FleetLimiterTest, aSpentBudgetIsRefusedLocallyUntilItsRetryAfter) {
    FleetLimiter limiter(configFor(redis));
    const auto p = paramsOf(1, 3);
    const int64_t now = steadyNs();
    for (int i = 0; i < 3; ++i) ASSERT_TRUE(limiter.take(now, p).allowed);
    const auto denied = limiter.take(now, p);
    ASSERT_FALSE(denied.allowed);
    const auto calls = limiter.stats().redisCalls;
    for (int i = 0; i < 1000; ++i) {
        const auto again = limiter.take(now + i, p);
        ASSERT_FALSE(again.allowed);
        EXPECT_LE(again.retryAfterNs, denied.retryAfterNs);
    }
    EXPECT_EQ(limiter.stats().redisCalls, calls) << "each refusal asked Redis again";
    // Once the retry-after has passed, Redis is asked again.
    limiter.take(now + denied.retryAfterNs, p);
    EXPECT_EQ(limiter.stats().redisCalls, calls + 1);
}

TEST_F(FleetLimiterTest, leasesCutRedisCallsAndTheStateExpiresOnItsOwn) {
    FleetLimitConfig config = configFor(redis);
    config.key = "rampart:test:leases";
    FleetLimiter limiter(config);
    const auto p = paramsOf(100'000, 10'000);
    ASSERT_EQ(limiter.leaseSize(p), 1000);  // 10 ms of the rate
    int admitted = 0;
    for (int i = 0; i < 5000; ++i) admitted += limiter.take(steadyNs(), p).allowed;
    EXPECT_EQ(admitted, 5000);  // within the burst
    EXPECT_LE(limiter.stats().redisCalls, 5u);
    EXPECT_FALSE(redis.cli("GET rampart:test:leases").empty());
    const int ttlMs = std::stoi(redis.cli("PTTL rampart:test:leases"));
    EXPECT_GT(ttlMs, 0) << "the state must expire once idle";
    EXPECT_LE(ttlMs, 2'000);
}

// Over the limit, a thread comes back to Redis about once per lease's worth of time (a call that
// learns when the next lease fits, then one that takes it), not for each request or two that frees
// up meanwhile.
TEST_F(FleetLimiterTest, overTheLimitRedisIsAskedOncePerLeaseNotPerRequest) {
    FleetLimitConfig config = configFor(redis);
    config.key = "rampart:test:over";
    FleetLimiter limiter(config);
    const double rate = 100'000, burst = 10'000;
    const auto p = paramsOf(rate, burst);
    const int64_t lease = limiter.leaseSize(p);
    ASSERT_EQ(lease, 1000);  // 10 ms of the rate
    int64_t admitted = 0, offered = 0;
    const auto started = std::chrono::steady_clock::now();
    while (std::chrono::steady_clock::now() - started < 50ms) {
        admitted += limiter.take(steadyNs(), p).allowed;
        ++offered;
    }
    const double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    ASSERT_GT(offered, admitted) << "the loop must run over the limit for this test to mean anything";
    EXPECT_LE(admitted, static_cast<int64_t>(burst + rate * elapsed) + lease);
    EXPECT_GE(admitted, static_cast<int64_t>(burst));
    const double leasesOfTime = elapsed * rate / static_cast<double>(lease);
    EXPECT_LE(limiter.stats().redisCalls, static_cast<uint64_t>(burst / lease + 2 * leasesOfTime + 3))
        << offered << " offered over " << elapsed << " s";
}

// A Redis that forgot the script (SCRIPT FLUSH, or a failover to a replica that never loaded it)
// gets it again on the same connection, without an error.
TEST_F(FleetLimiterTest, aForgottenScriptIsLoadedAgain) {
    FleetLimiter limiter(configFor(redis));
    const auto p = paramsOf(1, 5);
    ASSERT_TRUE(limiter.take(steadyNs(), p).allowed);
    ASSERT_NE(redis.cli("SCRIPT FLUSH").find("OK"), std::string::npos);
    EXPECT_TRUE(limiter.take(steadyNs(), p).allowed);
    EXPECT_EQ(limiter.stats().redisErrors, 0u) << limiter.stats().lastError;
    EXPECT_EQ(limiter.stats().redisCalls, 2u);
}

TEST_F(FleetLimiterTest, aRedisOutageFallsBackToTheLocalLimitAndRecovers) {
    FleetLimiter limiter(configFor(redis));
    const auto p = paramsOf(1, 5);
    ASSERT_TRUE(limiter.take(steadyNs(), p).allowed);
    ASSERT_TRUE(limiter.stats().redisUp);

    redis.stop();
    int admitted = 0;
    for (int i = 0; i < 20; ++i) admitted += limiter.take(steadyNs(), p).allowed;
    // This agent alone enforces the limit: its own burst, not unlimited and not nothing.
    EXPECT_GE(admitted, 5);
    EXPECT_LE(admitted, 6);
    auto stats = limiter.stats();
    EXPECT_FALSE(stats.redisUp);
    EXPECT_GE(stats.redisErrors, 1u);
    EXPECT_GE(stats.localDecisions, 20u);
    EXPECT_FALSE(stats.lastError.empty());

    ASSERT_TRUE(redis.start()) << redis.log();
    const auto deadline = std::chrono::steady_clock::now() + 10s;
    while (!limiter.stats().redisUp && std::chrono::steady_clock::now() < deadline) {
        limiter.take(steadyNs(), p);
    }
    EXPECT_TRUE(limiter.stats().redisUp) << limiter.stats().lastError;
}

TEST(FleetLimiterAuthTest, usesThePasswordAndNeverRepeatsIt) {
    RedisServer redis("correct-horse-battery");
    ASSERT_TRUE(redis.start()) << redis.log();
    const auto p = paramsOf(1, 5);

    FleetLimiter right(configFor(redis, "correct-horse-battery"));
    EXPECT_TRUE(right.take(steadyNs(), p).allowed);
    EXPECT_EQ(right.stats().redisErrors, 0u) << right.stats().lastError;
    EXPECT_EQ(right.stats().redisCalls, 1u);

    FleetLimiter wrong(configFor(redis, "wrong-staple"));
    wrong.take(steadyNs(), p);
    const auto stats = wrong.stats();
    EXPECT_EQ(stats.redisErrors, 1u);
    EXPECT_NE(stats.lastError.find("AUTH"), std::string::npos) << stats.lastError;
    EXPECT_EQ(stats.lastError.find("wrong-staple"), std::string::npos) << stats.lastError;

    FleetLimiter none(configFor(redis));
    none.take(steadyNs(), p);
    EXPECT_EQ(none.stats().redisErrors, 1u) << "a server that wants a password refuses the script";
}

TEST(RedisAddress, acceptsHostPortAndUnixSocketsOnly) {
    EXPECT_TRUE(validateRedisAddress("127.0.0.1:6379").ok());
    EXPECT_TRUE(validateRedisAddress("[::1]:6379").ok());
    EXPECT_TRUE(validateRedisAddress("redis.internal:6380").ok());
    EXPECT_TRUE(validateRedisAddress("unix:/run/redis/redis.sock").ok());
    EXPECT_FALSE(validateRedisAddress("").ok());
    EXPECT_FALSE(validateRedisAddress("127.0.0.1").ok());
    EXPECT_FALSE(validateRedisAddress("127.0.0.1:0").ok());
    EXPECT_FALSE(validateRedisAddress("127.0.0.1:65536").ok());
    EXPECT_FALSE(validateRedisAddress("127.0.0.1:63x9").ok());
    EXPECT_FALSE(validateRedisAddress("unix:relative.sock").ok());
}

}  // namespace
}  // namespace rampart::limits
