// The rampart-load binary against a real agent, over each transport.
#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>
#include <nlohmann/json.hpp>

#include "integration/AgentTestBed.h"

namespace rampart::testing {
namespace {

nlohmann::json runLoad(const std::string& args) {
    const std::string command = std::string(RAMPART_LOAD_BINARY) + " " + args + " --quiet 2>/dev/null";
    FILE* pipe = ::popen(command.c_str(), "r");
    std::string out;
    char buffer[4096];
    while (pipe && std::fgets(buffer, sizeof buffer, pipe)) out += buffer;
    if (pipe) ::pclose(pipe);
    return nlohmann::json::parse(out, nullptr, false);
}

class LoadToolTest : public ::testing::TestWithParam<std::string> {};

TEST_P(LoadToolTest, sendsTheScheduleAndCountsVerdicts) {
    AgentTestBed bed("http: {listen: \"127.0.0.1:0\", trusted_proxies: [127.0.0.1/32]}\n");
    ASSERT_TRUE(bed.agent.start()) << bed.agent.log();
    std::ofstream(bed.dir.file("key.pem")) << bed.keyA.privatePem();
    const std::string transport = GetParam();
    const int port = transport == "http" ? bed.agent.httpPort() : bed.agent.port();
    const auto summary = runLoad("--target 127.0.0.1:" + std::to_string(port) + " --transport " +
                                 transport + " --profile constant --rate 400 --seconds 1 --private-key " +
                                 bed.dir.file("key.pem").string() +
                                 " --kid key-a --mix valid=80,expired=0,forged=10,garbage=10 --users 50 --ips 20");
    ASSERT_FALSE(summary.is_discarded());
    EXPECT_EQ(summary["sent"].get<int>(), 400);
    EXPECT_EQ(summary["answered"].get<int>(), 400);
    EXPECT_EQ(summary["errors"].get<int>(), 0);
    const int allowed = summary["verdicts"]["ALLOW"].get<int>();
    const int invalid = summary["verdicts"]["INVALID_TOKEN"].get<int>();
    EXPECT_EQ(allowed + invalid, 400);
    EXPECT_NEAR(allowed, 320, 45);
    EXPECT_GT(summary["latency_us"]["p99"].get<double>(), 0);
}

INSTANTIATE_TEST_SUITE_P(Transports, LoadToolTest, ::testing::Values("grpc", "stream", "http"));

TEST(LoadTool, refusesBadArguments) {
    EXPECT_TRUE(runLoad("--target 127.0.0.1:1 --private-key /nonexistent --rate 1").is_discarded());
    EXPECT_TRUE(runLoad("--target 127.0.0.1:1 --transport carrier-pigeon").is_discarded());
}

}  // namespace
}  // namespace rampart::testing
