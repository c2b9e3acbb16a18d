// Start, configuration errors and shutdown of the real daemon.
#include <gtest/gtest.h>
#include <signal.h>

#include <thread>

#include "AgentTestBed.h"
#include "grpc/health/v1/health.grpc.pb.h"

namespace rampart::testing {
namespace {

TEST(AgentLifecycle, sigtermDrainsOpenStreamAndExitsZero) {
    AgentTestBed bed;
    ASSERT_TRUE(bed.agent.start()) << bed.agent.log();
    auto stub = bed.authStub();
    grpc::ClientContext context;
    auto stream = stub->CheckStream(&context);
    v1::CheckRequest request;
    request.set_id(7);
    request.set_token(bed.validToken(bed.keyA));
    ASSERT_TRUE(stream->Write(request));
    v1::CheckResponse response;
    ASSERT_TRUE(stream->Read(&response));

    const auto start = std::chrono::steady_clock::now();
    bed.agent.signal(SIGTERM);
    // The open stream is still answered while the agent drains...
    request.set_id(8);
    if (stream->Write(request) && stream->Read(&response)) {
        EXPECT_EQ(response.id(), 8u);
    }
    stream->WritesDone();
    while (stream->Read(&response)) {
    }
    stream->Finish();
    // ...and once the client is done, the agent exits 0 well within its 5 s grace.
    EXPECT_EQ(bed.agent.waitForExit(std::chrono::seconds(10)), 0) << bed.agent.log();
    EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(6));
    EXPECT_NE(bed.agent.log().find("agent stopped"), std::string::npos);
}

TEST(AgentLifecycle, sigtermWithStuckStreamStillExitsAfterGrace) {
    AgentTestBed bed;
    ASSERT_TRUE(bed.agent.start()) << bed.agent.log();
    auto stub = bed.authStub();
    grpc::ClientContext context;  // a stream the client never closes
    auto stream = stub->CheckStream(&context);
    v1::CheckRequest request;
    request.set_token("x");
    ASSERT_TRUE(stream->Write(request));
    bed.agent.signal(SIGTERM);
    EXPECT_EQ(bed.agent.waitForExit(std::chrono::seconds(15)), 0) << bed.agent.log();
    context.TryCancel();
}

TEST(AgentLifecycle, checkConfigAcceptsGoodConfig) {
    AgentTestBed bed;
    std::string output;
    EXPECT_EQ(runAgent({"--config", bed.configPath.string(), "--check-config"}, output), 0)
        << output;
    EXPECT_NE(output.find("key-a:ES256"), std::string::npos) << output;
}

TEST(AgentLifecycle, checkConfigNamesTheBadField) {
    AgentTestBed bed;
    bed.dir.write("bad.yaml", "jwt:\n  keys:\n    file: jwks.json\n  leeway: soon\n");
    std::string output;
    EXPECT_EQ(runAgent({"--config", bed.dir.file("bad.yaml").string(), "--check-config"}, output),
              2);
    EXPECT_NE(output.find("jwt.leeway"), std::string::npos) << output;
}

TEST(AgentLifecycle, checkConfigReportsUnusableKeys) {
    AgentTestBed bed;
    bed.dir.write("jwks.json", "{\"keys\":[]}");
    std::string output;
    EXPECT_EQ(runAgent({"--config", bed.configPath.string(), "--check-config"}, output), 1);
    EXPECT_NE(output.find("no usable key"), std::string::npos) << output;
}

TEST(AgentLifecycle, refusesToStartWithoutItsKeyFile) {
    AgentTestBed bed;
    std::filesystem::remove(bed.jwksPath);
    EXPECT_FALSE(bed.agent.start());
    EXPECT_EQ(bed.agent.waitForExit(std::chrono::seconds(10)), 1);
    EXPECT_NE(bed.agent.log().find("cannot load keys"), std::string::npos) << bed.agent.log();
}

// With a key URL that cannot be reached the agent starts, but is not ready: health says
// NOT_SERVING and checks fail with UNAVAILABLE (a gateway fails over) rather than "invalid".
TEST(AgentLifecycle, unreachableKeyUrlStartsUnready) {
    AgentTestBed bed;
    bed.dir.write("agent.yaml", R"(
listen: {grpc: "127.0.0.1:0"}
jwt:
  keys:
    url: https://127.0.0.1:1/jwks.json
    fetch_timeout: 200ms
)");
    ASSERT_TRUE(bed.agent.start()) << bed.agent.log();
    auto stub = bed.authStub();
    v1::CheckResponse response;
    EXPECT_EQ(bed.check(*stub, bed.validToken(bed.keyA), response).error_code(),
              grpc::StatusCode::UNAVAILABLE);

    auto health = grpc::health::v1::Health::NewStub(bed.channel());
    grpc::ClientContext context;
    grpc::health::v1::HealthCheckRequest request;
    grpc::health::v1::HealthCheckResponse status;
    ASSERT_TRUE(health->Check(&context, request, &status).ok());
    EXPECT_EQ(status.status(), grpc::health::v1::HealthCheckResponse::NOT_SERVING);
}

}  // namespace
}  // namespace rampart::testing
