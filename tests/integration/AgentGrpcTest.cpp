// A real rampart-agent process, called over gRPC as gateways call it.
#include <gtest/gtest.h>
#include <signal.h>

#include <atomic>
#include <thread>

#include "AgentTestBed.h"
#include "grpc/health/v1/health.grpc.pb.h"

namespace rampart::testing {
namespace {

class AgentGrpcTest : public ::testing::Test {
protected:
    void SetUp() override { ASSERT_TRUE(bed.agent.start()) << bed.agent.log(); }

    AgentTestBed bed;
};

TEST_F(AgentGrpcTest, unaryCheckAllowsValidTokenWithClaims) {
    auto stub = bed.authStub();
    v1::CheckResponse response;
    ASSERT_TRUE(bed.check(*stub, bed.validToken(bed.keyA, "alice"), response).ok());
    EXPECT_EQ(response.verdict(), v1::ALLOW);
    EXPECT_EQ(response.claims().subject(), "alice");
    EXPECT_GT(response.claims().expires_at(), 0);
}

TEST_F(AgentGrpcTest, unaryCheckRefusesForgedAndGarbageTokens) {
    auto stub = bed.authStub();
    v1::CheckResponse response;
    auto rival = jwt::SigningKey::generate(jwt::Algorithm::ES256, "key-a");  // same kid
    ASSERT_TRUE(bed.check(*stub, bed.validToken(*rival), response).ok());
    EXPECT_EQ(response.verdict(), v1::INVALID_TOKEN);
    EXPECT_EQ(response.detail(), "signature does not verify");
    EXPECT_FALSE(response.has_claims());

    ASSERT_TRUE(bed.check(*stub, "garbage", response).ok());
    EXPECT_EQ(response.verdict(), v1::INVALID_TOKEN);
}

TEST_F(AgentGrpcTest, streamAnswersEveryRequestInOrderWithItsId) {
    auto stub = bed.authStub();
    grpc::ClientContext context;
    context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(30));
    auto stream = stub->CheckStream(&context);
    const std::string valid = bed.validToken(bed.keyA);
    constexpr int kRequests = 2000;
    // A writer pipelines everything while the reader drains, as a gateway would.
    std::thread writer([&] {
        for (int i = 0; i < kRequests; ++i) {
            v1::CheckRequest request;
            request.set_id(1000 + i);
            request.set_token(i % 3 == 0 ? "not.a.token" : valid);
            if (!stream->Write(request)) break;
        }
        stream->WritesDone();
    });
    v1::CheckResponse response;
    int received = 0;
    while (stream->Read(&response)) {
        ASSERT_EQ(response.id(), static_cast<uint64_t>(1000 + received));
        EXPECT_EQ(response.verdict(), received % 3 == 0 ? v1::INVALID_TOKEN : v1::ALLOW);
        ++received;
    }
    writer.join();
    EXPECT_TRUE(stream->Finish().ok());
    EXPECT_EQ(received, kRequests);
}

TEST_F(AgentGrpcTest, healthServiceReportsServing) {
    auto health = grpc::health::v1::Health::NewStub(bed.channel());
    for (const char* service : {"", "rampart.v1.Auth"}) {
        grpc::ClientContext context;
        context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(5));
        grpc::health::v1::HealthCheckRequest request;
        request.set_service(service);
        grpc::health::v1::HealthCheckResponse response;
        ASSERT_TRUE(health->Check(&context, request, &response).ok()) << service;
        EXPECT_EQ(response.status(), grpc::health::v1::HealthCheckResponse::SERVING) << service;
    }
}

TEST_F(AgentGrpcTest, oversizedMessageIsRefusedAndAgentKeepsServing) {
    auto stub = bed.authStub();
    v1::CheckResponse response;
    const auto status = bed.check(*stub, std::string(200 * 1024, 'a'), response);
    EXPECT_EQ(status.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED);
    ASSERT_TRUE(bed.check(*stub, bed.validToken(bed.keyA), response).ok());
    EXPECT_EQ(response.verdict(), v1::ALLOW);
}

TEST_F(AgentGrpcTest, tokenOverSizeLimitIsRefusedBeforeParsing) {
    auto stub = bed.authStub();
    v1::CheckResponse response;
    ASSERT_TRUE(bed.check(*stub, std::string(9000, 'a'), response).ok());
    EXPECT_EQ(response.verdict(), v1::INVALID_TOKEN);
    EXPECT_EQ(response.detail(), "token exceeds the size limit");
}

TEST_F(AgentGrpcTest, streamThatNeverReadsDoesNotStopOtherClients) {
    auto stub = bed.authStub();
    grpc::ClientContext greedy;
    auto stream = stub->CheckStream(&greedy);
    v1::CheckRequest request;
    request.set_token(bed.validToken(bed.keyA));
    // Writes until flow control pushes back (the agent stops reading once its bounded queue is
    // full); bounded by count so the test ends either way.
    std::thread flood([&] {
        for (int i = 0; i < 50'000; ++i) {
            request.set_id(i);
            if (!stream->Write(request)) break;
        }
    });
    auto other = bed.authStub();
    v1::CheckResponse response;
    for (int i = 0; i < 20; ++i) {
        ASSERT_TRUE(bed.check(*other, bed.validToken(bed.keyA), response).ok());
        EXPECT_EQ(response.verdict(), v1::ALLOW);
    }
    greedy.TryCancel();
    flood.join();
}

// The key set is rotated (new key added, old key removed) while clients keep calling: no call
// fails, tokens from the new key work once it is published, and old tokens stop working once
// their key is withdrawn.
TEST_F(AgentGrpcTest, keyRotationUnderLoadFailsNoCall) {
    const std::string tokenA = bed.validToken(bed.keyA);
    const std::string tokenB = bed.validToken(bed.keyB);
    std::atomic<bool> stop{false};
    std::atomic<int> calls{0}, failures{0};
    std::vector<std::thread> clients;
    for (int t = 0; t < 4; ++t) {
        clients.emplace_back([&] {
            auto stub = bed.authStub();
            v1::CheckResponse response;
            while (!stop) {
                if (!bed.check(*stub, tokenA, response).ok() || response.verdict() != v1::ALLOW) {
                    ++failures;
                }
                ++calls;
            }
        });
    }
    auto stub = bed.authStub();
    const auto verdictOf = [&](const std::string& token) {
        v1::CheckResponse response;
        return bed.check(*stub, token, response).ok() ? response.verdict()
                                                      : v1::VERDICT_UNSPECIFIED;
    };
    EXPECT_EQ(verdictOf(tokenB), v1::INVALID_TOKEN);
    bed.publishKeys({&bed.keyA, &bed.keyB});  // noticed by the file watch
    EXPECT_TRUE(eventually([&] { return verdictOf(tokenB) == v1::ALLOW; }));
    bed.publishKeys({&bed.keyB, &bed.keyA});
    bed.agent.signal(SIGHUP);  // and by an explicit reload
    const int before = calls.load();
    EXPECT_TRUE(eventually([&] { return calls.load() > before + 200; }));
    stop = true;
    for (auto& c : clients) c.join();
    EXPECT_EQ(failures.load(), 0) << "of " << calls.load() << " calls";
    EXPECT_GT(calls.load(), 200);

    bed.publishKeys({&bed.keyB});
    EXPECT_TRUE(eventually([&] { return verdictOf(tokenA) == v1::INVALID_TOKEN; }));
    EXPECT_EQ(verdictOf(tokenB), v1::ALLOW);
}

TEST_F(AgentGrpcTest, brokenKeyFileKeepsLastGoodKeys) {
    auto stub = bed.authStub();
    const std::string token = bed.validToken(bed.keyA);
    bed.dir.write("jwks.json", "{\"keys\": [ this is not json");
    bed.agent.signal(SIGHUP);
    EXPECT_TRUE(eventually([&] {
        return bed.agent.log().find("key reload failed") != std::string::npos;
    })) << bed.agent.log();
    v1::CheckResponse response;
    ASSERT_TRUE(bed.check(*stub, token, response).ok());
    EXPECT_EQ(response.verdict(), v1::ALLOW);
    // The reason is logged, the token never is.
    EXPECT_NE(bed.agent.log().find("not valid JSON"), std::string::npos);
    EXPECT_EQ(bed.agent.log().find(token.substr(0, 20)), std::string::npos);
}

// A client address that is not an address is bad input on the unary call, and on a stream it is
// that one request's refusal, never a pass without per-IP limits or blocks.
TEST_F(AgentGrpcTest, clientIpThatIsNoAddressIsInvalidArgumentOrRefusedOnAStream) {
    auto stub = bed.authStub();
    const std::string token = bed.validToken(bed.keyA, "alice");
    for (const char* bad : {"[1.2.3.4]", "1.2.3.4:99999", "unknown"}) {
        v1::CheckRequest request;
        request.set_token(token);
        request.set_client_ip(bad);
        v1::CheckResponse response;
        grpc::ClientContext context;
        context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(5));
        const auto status = stub->Check(&context, request, &response);
        EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << bad;
    }
    for (const char* good : {"1.2.3.4:80", " 1.2.3.4", "[2001:db8::1]:443"}) {
        v1::CheckRequest request;
        request.set_token(token);
        request.set_client_ip(good);
        v1::CheckResponse response;
        grpc::ClientContext context;
        context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(5));
        ASSERT_TRUE(stub->Check(&context, request, &response).ok()) << good;
        EXPECT_EQ(response.verdict(), v1::ALLOW) << good;
    }

    grpc::ClientContext context;
    context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
    auto stream = stub->CheckStream(&context);
    v1::CheckRequest request;
    request.set_token(token);
    request.set_id(1);
    request.set_client_ip("unknown");
    ASSERT_TRUE(stream->Write(request));
    request.set_id(2);
    request.set_client_ip("192.0.2.1");
    ASSERT_TRUE(stream->Write(request));
    stream->WritesDone();
    v1::CheckResponse response;
    ASSERT_TRUE(stream->Read(&response));
    EXPECT_EQ(response.id(), 1u);
    EXPECT_EQ(response.verdict(), v1::BLOCKED);
    EXPECT_EQ(response.detail(), "client address is not an IP address");
    ASSERT_TRUE(stream->Read(&response));
    EXPECT_EQ(response.id(), 2u);
    EXPECT_EQ(response.verdict(), v1::ALLOW);
    EXPECT_TRUE(stream->Finish().ok());
}

}  // namespace
}  // namespace rampart::testing
