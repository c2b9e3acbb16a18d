// Two real agents sharing one global limit through a real redis-server on loopback: what the
// fleet admits together, not what each admits alone.
#include <gtest/gtest.h>

#include <chrono>
#include <cmath>

#include "AgentTestBed.h"
#include "support/RedisServer.h"

namespace rampart::testing {
namespace {

std::string fleetLimits(const RedisServer& redis) {
    return "http: {listen: '127.0.0.1:0'}\n"
           "limits:\n"
           "  global: {rate: 1, burst: 10}\n"
           "  fleet: {redis: '" + redis.address() + "', key: 'rampart:it:global', timeout: 500ms}\n";
}

TEST(FleetLimit, twoAgentsShareTheGlobalLimitThroughRedis) {
    RedisServer redis;
    ASSERT_TRUE(redis.start()) << redis.log();
    AgentTestBed first(fleetLimits(redis)), second(fleetLimits(redis));
    ASSERT_TRUE(first.agent.start()) << first.agent.log();
    ASSERT_TRUE(second.agent.start()) << second.agent.log();
    auto stubA = first.authStub(), stubB = second.authStub();
    const auto tokenA = first.validToken(first.keyA), tokenB = second.validToken(second.keyA);

    int allowedA = 0, allowedB = 0, limited = 0;
    const auto started = std::chrono::steady_clock::now();
    for (int i = 0; i < 15; ++i) {
        for (auto [bed, stub, token, allowed] : {std::tuple{&first, stubA.get(), &tokenA, &allowedA},
                                                 std::tuple{&second, stubB.get(), &tokenB, &allowedB}}) {
            v1::CheckResponse response;
            ASSERT_TRUE(bed->check(*stub, *token, response).ok());
            if (response.verdict() == v1::ALLOW) {
                ++*allowed;
            } else {
                EXPECT_EQ(response.verdict(), v1::RATE_LIMITED_GLOBAL);
                EXPECT_GT(response.retry_after_ms(), 0u);
                ++limited;
            }
        }
    }
    const double elapsed =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    const int allowed = allowedA + allowedB;
    // Alone, each agent would have admitted its own burst of 10.
    EXPECT_GE(allowed, 10);
    EXPECT_LE(allowed, 10 + static_cast<int>(std::floor(elapsed)) + 1) << "elapsed " << elapsed << " s";
    EXPECT_GT(allowedA, 0);
    EXPECT_GT(allowedB, 0);
    EXPECT_EQ(allowed + limited, 30);

    const auto metrics =
        httpGet("http://127.0.0.1:" + std::to_string(first.agent.httpPort()) + "/metrics").body;
    EXPECT_NE(metrics.find("rampart_fleet_limit_redis_up 1"), std::string::npos) << metrics;
    EXPECT_NE(metrics.find("rampart_fleet_limit_redis_errors_total 0"), std::string::npos);
}

// An agent whose Redis is down still answers every check, enforcing the limit on its own.
TEST(FleetLimit, anAgentWithoutRedisKeepsAnsweringWithItsOwnLimit) {
    RedisServer redis;
    ASSERT_TRUE(redis.start()) << redis.log();
    AgentTestBed bed(fleetLimits(redis));
    ASSERT_TRUE(bed.agent.start()) << bed.agent.log();
    redis.stop();
    auto stub = bed.authStub();
    const auto token = bed.validToken(bed.keyA);
    int allowed = 0;
    for (int i = 0; i < 20; ++i) {
        v1::CheckResponse response;
        ASSERT_TRUE(bed.check(*stub, token, response).ok());
        allowed += response.verdict() == v1::ALLOW;
    }
    EXPECT_GE(allowed, 10);
    EXPECT_LE(allowed, 11);
    const auto metrics =
        httpGet("http://127.0.0.1:" + std::to_string(bed.agent.httpPort()) + "/metrics").body;
    EXPECT_NE(metrics.find("rampart_fleet_limit_redis_up 0"), std::string::npos) << metrics;
    EXPECT_NE(bed.agent.log().find("enforces the global limit on its own"), std::string::npos)
        << bed.agent.log();
}

}  // namespace
}  // namespace rampart::testing
