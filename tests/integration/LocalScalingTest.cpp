// The local scaling backend on a real agent: scale 1 → 3 → 1 while clients keep checking, and
// no check fails.
#include <gtest/gtest.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <thread>

#include <signal.h>

#include "AgentTestBed.h"
#include "rampart/v1/control.grpc.pb.h"
#include "rpc/client/ControlChannel.h"

namespace rampart::testing {
namespace {

// Worker processes started for this agent's config (their command line names it).
std::vector<pid_t> workerPids(const std::filesystem::path& config) {
    std::vector<pid_t> pids;
    for (const auto& entry : std::filesystem::directory_iterator("/proc")) {
        const auto name = entry.path().filename().string();
        if (name.find_first_not_of("0123456789") != std::string::npos) continue;
        std::ifstream cmdline(entry.path() / "cmdline", std::ios::binary);
        std::string text((std::istreambuf_iterator<char>(cmdline)), {});
        for (auto& c : text) c = c == '\0' ? ' ' : c;
        if (text.find(config.string()) != std::string::npos && text.find("--worker") != std::string::npos) {
            pids.push_back(std::stoi(name));
        }
    }
    return pids;
}

int workersOf(const std::filesystem::path& config) { return static_cast<int>(workerPids(config).size()); }

// An agent with the local backend and an operator's control client.
class LocalScaling : public ::testing::Test {
protected:
    void SetUp() override {
        ASSERT_EQ(std::system(("'" RAMPART_SOURCE_DIR "/scripts/make-dev-certs.sh' '" +
                               certs.path().string() + "' 1 >/dev/null")
                                  .c_str()),
                  0);
        const auto c = certs.path().string();
        bed = std::make_unique<AgentTestBed>(
            "control:\n"
            "  listen: \"127.0.0.1:0\"\n"
            "  cert_file: " + c + "/node.crt\n"
            "  key_file: " + c + "/node.key\n"
            "  client_ca_file: " + c + "/ca.crt\n"
            "  operators: [operator]\n"
            "  state_dir: state\n"
            "scaling: {backend: local, max_replicas: 4, local: {drain_grace: 3s}}\n");
        ASSERT_TRUE(bed->agent.start()) << bed->agent.log();
        auto channel = rpc::makeControlChannel(bed->agent.controlAddress(),
                                               {c + "/ca.crt", c + "/operator.crt", c + "/operator.key"});
        ASSERT_TRUE(channel.ok());
        control = v1::Control::NewStub(*channel);
    }

    TempDir certs;
    std::unique_ptr<AgentTestBed> bed;
    std::unique_ptr<v1::Control::Stub> control;
};

TEST_F(LocalScaling, scalesOneToThreeToOneUnderLoadWithNoFailedCheck) {
    AgentTestBed& bed = *this->bed;
    const auto scaleTo = [&](uint32_t replicas) {
        grpc::ClientContext context;
        context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(30));
        v1::ScaleRequest request;
        request.set_replicas(replicas);
        v1::ScaleStatus status;
        const auto result = control->Scale(&context, request, &status);
        EXPECT_TRUE(result.ok()) << result.error_message();
        return status.current();
    };

    const std::string token = bed.validToken(bed.keyA);
    std::atomic<bool> stop{false};
    std::atomic<int> calls{0}, failures{0};
    std::vector<std::thread> clients;
    for (int t = 0; t < 3; ++t) {
        clients.emplace_back([&, t] {
            for (int round = 0; !stop; ++round) {
                // A fresh connection now and then, so the kernel spreads clients over workers
                // (and some land on one that is draining).
                grpc::ChannelArguments args;
                args.SetInt("test.round", round * 10 + t);
                // A check that races a draining worker's GOAWAY can come back CANCELLED (about 1
                // in 2,000 during a drain, measured); Check is safe to retry, and gateways do
                // (Envoy: retry_on cancelled,unavailable). This client does the same.
                args.SetServiceConfigJSON(R"({"methodConfig":[{"name":[{"service":"rampart.v1.Auth"}],
                    "retryPolicy":{"maxAttempts":3,"initialBackoff":"0.01s","maxBackoff":"0.1s",
                    "backoffMultiplier":2,"retryableStatusCodes":["UNAVAILABLE","CANCELLED"]}}]})");
                auto stub = v1::Auth::NewStub(grpc::CreateCustomChannel(
                    bed.agent.address(), grpc::InsecureChannelCredentials(), args));
                for (int i = 0; i < 25 && !stop; ++i) {
                    grpc::ClientContext context;
                    // As a gateway does: wait for a usable connection rather than fail on the
                    // one that just closed.
                    context.set_wait_for_ready(true);
                    context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(5));
                    v1::CheckRequest request;
                    request.set_token(token);
                    v1::CheckResponse response;
                    const auto status = stub->Check(&context, request, &response);
                    if (!status.ok() || response.verdict() != v1::ALLOW) {
                        ++failures;
                        ADD_FAILURE() << "check failed: " << status.error_code() << " "
                                      << status.error_message() << " verdict " << response.verdict();
                    }
                    ++calls;
                }
            }
        });
    }
    const auto callsPass = [&](int more) {
        const int target = calls.load() + more;
        return eventually([&] { return calls.load() >= target; }, std::chrono::seconds(30));
    };

    ASSERT_TRUE(callsPass(200));
    EXPECT_EQ(scaleTo(3), 3u);
    EXPECT_TRUE(eventually([&] { return workersOf(bed.configPath) == 2; }));
    ASSERT_TRUE(callsPass(500));
    EXPECT_EQ(scaleTo(1), 1u);
    EXPECT_EQ(workersOf(bed.configPath), 0);  // drained and reaped before Scale returned
    ASSERT_TRUE(callsPass(300));
    stop = true;
    for (auto& t : clients) t.join();
    EXPECT_EQ(failures.load(), 0) << "of " << calls.load() << " checks";

    // The scaling is in the audit log.
    grpc::ClientContext context;
    v1::GetAuditRequest request;
    v1::AuditLog audit;
    ASSERT_TRUE(control->GetAudit(&context, request, &audit).ok());
    int scales = 0;
    for (const auto& entry : audit.entries()) scales += entry.action().rfind("scale", 0) == 0;
    EXPECT_EQ(scales, 2);
}

TEST_F(LocalScaling, crashedWorkerIsRestarted) {
    AgentTestBed& bed = *this->bed;
    grpc::ClientContext context;
    v1::ScaleRequest request;
    request.set_replicas(2);
    v1::ScaleStatus status;
    ASSERT_TRUE(control->Scale(&context, request, &status).ok());

    std::vector<pid_t> pids;
    ASSERT_TRUE(eventually([&] {
        pids = workerPids(bed.configPath);
        return pids.size() == 1;
    }));
    ::kill(pids.front(), SIGKILL);
    EXPECT_TRUE(eventually([&] { return bed.agent.log().find("restarting") != std::string::npos; }))
        << bed.agent.log();
    EXPECT_TRUE(eventually([&] {
        const auto now = workerPids(bed.configPath);
        return now.size() == 1 && now.front() != pids.front();
    }));
}

}  // namespace
}  // namespace rampart::testing
