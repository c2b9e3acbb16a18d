// The built rampartctl binary against a real agent over mutual TLS, as an operator's terminal
// or a CI/CD job would run it.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <nlohmann/json.hpp>

#include "AgentTestBed.h"
#include "support/FreePort.h"

namespace rampart::testing {
namespace {

struct CtlRun {
    int exitCode = -1;
    std::string output;  // stdout and stderr together
};

CtlRun runCtl(const std::vector<std::string>& args) {
    TempDir dir;
    const auto outFile = dir.file("out.txt");
    const int fd = ::open(outFile.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    const std::string binary = RAMPARTCTL_BINARY;
    std::vector<char*> argv{const_cast<char*>(binary.c_str())};
    for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    const pid_t pid = ::fork();
    if (pid == 0) {
        ::dup2(fd, STDOUT_FILENO);
        ::dup2(fd, STDERR_FILENO);
        // Only the flags a test passes choose the TLS files.
        ::unsetenv("RAMPART_CA");
        ::unsetenv("RAMPART_CERT");
        ::unsetenv("RAMPART_KEY");
        ::execv(binary.c_str(), argv.data());
        ::_exit(127);
    }
    ::close(fd);
    int status = 0;
    ::waitpid(pid, &status, 0);
    return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, readFile(outFile)};
}

std::string controlYaml() {
    return "control:\n"
           "  listen: 127.0.0.1:0\n"
           "  cert_file: certs/node.crt\n"
           "  key_file: certs/node.key\n"
           "  client_ca_file: certs/ca.crt\n"
           "  operators: [operator]\n"
           "  viewers: [viewer]\n"
           "  state_dir: state\n"
           "  call_rate: {rate: 1000, burst: 1000}\n";
}

bool makeDevCerts(const std::filesystem::path& dir) {
    const std::string script = "'" RAMPART_SOURCE_DIR "/scripts/make-dev-certs.sh' '" +
                               dir.string() + "' >/dev/null 2>&1";
    return std::system(script.c_str()) == 0;
}

// The command, aimed at this agent with this role's certificate.
CtlRun ctlAt(const AgentTestBed& bed, const std::filesystem::path& certs,
             std::vector<std::string> args, const std::string& role = "operator") {
    args.insert(args.end(), {"--agent", bed.agent.controlAddress(),         //
                             "--ca", (certs / "ca.crt").string(),           //
                             "--cert", (certs / (role + ".crt")).string(),  //
                             "--key", (certs / (role + ".key")).string()});
    return runCtl(args);
}

// proto3 JSON writes 64-bit integers as strings.
uint64_t asUint(const nlohmann::json& value) {
    return value.is_string() ? std::stoull(value.get<std::string>()) : value.get<uint64_t>();
}

class RampartctlTest : public ::testing::Test {
protected:
    void SetUp() override {
        certs = bed.dir.file("certs");
        ASSERT_TRUE(makeDevCerts(certs));
        ASSERT_TRUE(bed.agent.start()) << bed.agent.log();
        ASSERT_GT(bed.agent.controlPort(), 0);
    }

    // The command, aimed at the agent with this role's certificate.
    CtlRun ctl(std::vector<std::string> args, const std::string& role = "operator") const {
        return ctlAt(bed, certs, std::move(args), role);
    }

    nlohmann::json json(std::vector<std::string> args, const std::string& role = "operator") const {
        args.emplace_back("--json");
        const auto run = ctl(std::move(args), role);
        EXPECT_EQ(run.exitCode, 0) << run.output;
        auto parsed = nlohmann::json::parse(run.output, nullptr, false);
        EXPECT_TRUE(parsed.is_array()) << run.output;
        return parsed.is_array() ? parsed : nlohmann::json::array();
    }

    uint64_t revision() const {
        const auto result = json({"limits", "get"});
        return result.empty() ? 0 : asUint(result[0]["result"]["revision"]);
    }

    v1::Verdict verdict(const std::string& token, const std::string& clientIp) const {
        auto stub = bed.authStub();
        grpc::ClientContext context;
        context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(5));
        v1::CheckRequest request;
        request.set_token(token);
        request.set_client_ip(clientIp);
        v1::CheckResponse response;
        EXPECT_TRUE(stub->Check(&context, request, &response).ok());
        return response.verdict();
    }

    AgentTestBed bed{controlYaml()};
    std::filesystem::path certs;
};

TEST_F(RampartctlTest, statusShowsTheNodeAndWhoIsAsking) {
    const auto run = ctl({"status"});
    EXPECT_EQ(run.exitCode, 0) << run.output;
    EXPECT_NE(run.output.find("ok  test-node"), std::string::npos) << run.output;
    EXPECT_NE(run.output.find("key-a:ES256"), std::string::npos) << run.output;
    EXPECT_NE(run.output.find("you are operator (operator)"), std::string::npos) << run.output;
}

TEST_F(RampartctlTest, limitsGetJsonIsOneResultPerNode) {
    const auto result = json({"limits", "get"});
    ASSERT_EQ(result.size(), 1u);
    EXPECT_EQ(result[0]["node"], bed.agent.controlAddress());
    EXPECT_EQ(result[0]["ok"], true);
    EXPECT_EQ(asUint(result[0]["result"]["revision"]), 1u);
    EXPECT_TRUE(result[0]["result"]["per_ip"].is_object());
}

TEST_F(RampartctlTest, limitsSetBumpsTheRevisionAndTakesEffect) {
    const uint64_t before = revision();
    ASSERT_GT(before, 0u);
    const auto set = ctl({"limits", "set", "--per-ip-rate", "5", "--reason", "launch"});
    EXPECT_EQ(set.exitCode, 0) << set.output;
    EXPECT_NE(set.output.find("per-ip 5/s burst 5"), std::string::npos) << set.output;

    const auto got = ctl({"limits", "get"});
    EXPECT_EQ(got.exitCode, 0);
    EXPECT_NE(got.output.find("revision " + std::to_string(before + 1)), std::string::npos)
        << got.output;
    EXPECT_EQ(revision(), before + 1);

    // A burst of five from one client, then the sixth is over the limit.
    const auto token = bed.validToken(bed.keyA);
    for (int i = 0; i < 5; ++i) EXPECT_EQ(verdict(token, "198.51.100.40"), v1::ALLOW);
    EXPECT_EQ(verdict(token, "198.51.100.40"), v1::RATE_LIMITED_IP);

    // A stale --expected-revision is refused.
    const auto stale =
        ctl({"limits", "set", "--per-ip-rate", "9", "--expected-revision", std::to_string(before)});
    EXPECT_NE(stale.exitCode, 0);
    EXPECT_NE(stale.output.find("FAILED_PRECONDITION"), std::string::npos) << stale.output;
    EXPECT_EQ(revision(), before + 1);
}

TEST_F(RampartctlTest, fleetWithAnUnreachableNodeFailsAndReportsEveryNode) {
    const int deadPort = freeLoopbackPort();
    bed.dir.write("fleet.yaml",
                  "tls: {ca: certs/ca.crt, cert: certs/operator.crt, key: "
                  "certs/operator.key}\n"
                  "nodes:\n"
                  "  - {name: live, address: \"" +
                      bed.agent.controlAddress() +
                      "\"}\n"
                      "  - {name: dead, address: \"127.0.0.1:" +
                      std::to_string(deadPort) + "\"}\n");
    const auto fleet = bed.dir.file("fleet.yaml").string();

    const auto human = runCtl({"status", "--fleet", fleet, "--timeout-ms", "3000"});
    EXPECT_NE(human.exitCode, 0) << human.output;
    EXPECT_NE(human.output.find("live  ok  test-node"), std::string::npos) << human.output;
    EXPECT_NE(human.output.find("dead  FAILED"), std::string::npos) << human.output;

    const auto run = runCtl({"limits", "get", "--fleet", fleet, "--json", "--timeout-ms", "3000"});
    EXPECT_NE(run.exitCode, 0) << run.output;
    const auto results = nlohmann::json::parse(run.output, nullptr, false);
    ASSERT_TRUE(results.is_array()) << run.output;
    ASSERT_EQ(results.size(), 2u);
    EXPECT_EQ(results[0]["node"], "live");
    EXPECT_EQ(results[0]["ok"], true);
    EXPECT_EQ(results[1]["node"], "dead");
    EXPECT_EQ(results[1]["ok"], false);
    const std::string error = results[1].value("error", "");
    EXPECT_TRUE(error.starts_with("UNAVAILABLE") || error.starts_with("DEADLINE_EXCEEDED"))
        << error;
}

TEST_F(RampartctlTest, blockListUnblockAndRevoke) {
    const auto token = bed.validToken(bed.keyA, "alice");
    const auto blocked =
        ctl({"block", "--ip", "198.51.100.7", "--for", "10m", "--reason", "scraper"});
    EXPECT_EQ(blocked.exitCode, 0) << blocked.output;
    EXPECT_NE(blocked.output.find("ok  blocked 198.51.100.7/32 for "), std::string::npos)
        << blocked.output;
    EXPECT_EQ(verdict(token, "198.51.100.7"), v1::BLOCKED);

    const auto list = ctl({"blocks"});
    EXPECT_EQ(list.exitCode, 0) << list.output;
    EXPECT_NE(list.output.find("1 block(s)"), std::string::npos) << list.output;
    EXPECT_NE(list.output.find("client 198.51.100.7/32"), std::string::npos) << list.output;
    EXPECT_NE(list.output.find("by operator  \"scraper\""), std::string::npos) << list.output;

    const auto unblocked = ctl({"unblock", "--ip", "198.51.100.7"});
    EXPECT_EQ(unblocked.exitCode, 0) << unblocked.output;
    EXPECT_NE(unblocked.output.find("ok  unblocked"), std::string::npos) << unblocked.output;
    EXPECT_EQ(verdict(token, "198.51.100.7"), v1::ALLOW);

    const auto revoked = ctl({"revoke", "--subject", "mallory", "--for", "1h"});
    EXPECT_EQ(revoked.exitCode, 0) << revoked.output;
    EXPECT_NE(revoked.output.find("revoked subject mallory"), std::string::npos) << revoked.output;
    EXPECT_EQ(verdict(bed.validToken(bed.keyA, "mallory"), "192.0.2.1"), v1::REVOKED);
    const auto revocations = ctl({"revocations"});
    EXPECT_NE(revocations.output.find("subject mallory"), std::string::npos) << revocations.output;

    // A bad duration is refused before anything is sent.
    EXPECT_NE(ctl({"block", "--ip", "198.51.100.8", "--for", "soon"}).exitCode, 0);
    EXPECT_EQ(verdict(token, "198.51.100.8"), v1::ALLOW);
}

TEST_F(RampartctlTest, auditShowsWhoDidWhat) {
    ASSERT_EQ(ctl({"block", "--subject", "mallory", "--for", "5m"}).exitCode, 0);
    ASSERT_EQ(ctl({"revoke", "--subject", "eve"}).exitCode, 0);
    const auto run = ctl({"audit"});
    EXPECT_EQ(run.exitCode, 0) << run.output;
    EXPECT_NE(run.output.find("2 entries"), std::string::npos) << run.output;
    EXPECT_NE(run.output.find("operator (operator)  block  ok"), std::string::npos) << run.output;
    EXPECT_NE(run.output.find("operator (operator)  revoke  ok"), std::string::npos) << run.output;

    const auto result = json({"audit"}, "viewer");
    ASSERT_EQ(result.size(), 1u);
    const auto& entries = result[0]["result"]["entries"];
    ASSERT_EQ(entries.size(), 2u);
    EXPECT_EQ(entries[0]["actor"], "operator");
    EXPECT_EQ(entries[0]["action"], "block");
    EXPECT_NE(entries[0]["after_json"].get<std::string>().find("mallory"), std::string::npos);
}

TEST_F(RampartctlTest, viewerCannotChangeLimits) {
    const uint64_t before = revision();
    const auto run = ctl({"limits", "set", "--per-ip-rate", "5"}, "viewer");
    EXPECT_NE(run.exitCode, 0) << run.output;
    EXPECT_NE(run.output.find("PERMISSION_DENIED"), std::string::npos) << run.output;
    EXPECT_EQ(ctl({"limits", "get"}, "viewer").exitCode, 0);
    EXPECT_EQ(revision(), before);

    const auto block = ctl({"block", "--ip", "198.51.100.9"}, "viewer");
    EXPECT_NE(block.exitCode, 0);
    EXPECT_NE(block.output.find("PERMISSION_DENIED"), std::string::npos) << block.output;
}

TEST_F(RampartctlTest, noNodeOrUnreadableCertificateIsAnError) {
    EXPECT_EQ(runCtl({"status"}).exitCode, 2);
    const auto missing = runCtl(
        {"status", "--agent", bed.agent.controlAddress(), "--ca", (certs / "ca.crt").string(),
         "--cert", (certs / "nobody.crt").string(), "--key", (certs / "nobody.key").string()});
    EXPECT_NE(missing.exitCode, 0);
    EXPECT_NE(missing.output.find("nobody.crt"), std::string::npos) << missing.output;
}

// Control answers are not held to the data plane's 64 KiB: 140 blocks with the longest reasons
// are about 75 KB.
TEST_F(RampartctlTest, blocksListsHundredsOfLongReasons) {
    const std::string reason(512, 'r');
    for (int i = 0; i < 140; ++i) {
        const auto run = ctl({"block", "--ip", "198.51.100." + std::to_string(i), "--for", "10m",
                              "--reason", reason});
        ASSERT_EQ(run.exitCode, 0) << run.output;
    }
    const auto list = ctl({"blocks"});
    EXPECT_EQ(list.exitCode, 0) << list.output;
    EXPECT_NE(list.output.find("140 block(s)"), std::string::npos) << list.output.substr(0, 500);
}

// The audit is read page by page: more entries than one page may hold, and more bytes than one
// message may carry.
TEST_F(RampartctlTest, auditFollowsThePages) {
    appendAudit(bed.dir.file("state/audit.log"), 0, 2500, 5000);  // about 12 MB
    // The agent is the log's only writer and keeps its newest entries in memory: what is written
    // behind its back is read at its next start.
    bed.agent.signal(SIGTERM);
    ASSERT_EQ(bed.agent.waitForExit(std::chrono::seconds(20)), 0) << bed.agent.log();
    ASSERT_TRUE(bed.agent.start()) << bed.agent.log();

    const auto all = ctl({"audit", "--limit", "3000"});
    EXPECT_EQ(all.exitCode, 0) << all.output.substr(0, 500);
    EXPECT_NE(all.output.find("ok  2500 entries"), std::string::npos) << all.output.substr(0, 500);
    // Oldest first, across the pages.
    const auto first = all.output.find("action-0  ok");
    const auto last = all.output.find("action-2499  ok");
    ASSERT_NE(first, std::string::npos);
    ASSERT_NE(last, std::string::npos);
    EXPECT_LT(first, last);

    // --limit keeps the newest.
    const auto newest = ctl({"audit", "--limit", "1200"});
    EXPECT_EQ(newest.exitCode, 0) << newest.output.substr(0, 500);
    EXPECT_NE(newest.output.find("ok  1200 entries"), std::string::npos) << newest.output.substr(0, 500);
    EXPECT_EQ(newest.output.find("action-1299  ok"), std::string::npos);
    EXPECT_NE(newest.output.find("action-1300  ok"), std::string::npos);
    EXPECT_NE(newest.output.find("action-2499  ok"), std::string::npos);
}

// A blocklist of thousands of CIDRs in the configuration makes GetLimits (and so `limits set`,
// which reads before it writes) far bigger than the data plane's 64 KiB.
TEST(RampartctlBigConfigTest, limitsSetWorksWithThousandsOfConfiguredCidrs) {
    std::string yaml = controlYaml() + "limits:\n  blocklist:\n";
    for (int i = 0; i < 6000; ++i) {
        yaml += "    - 10." + std::to_string(i / 256) + "." + std::to_string(i % 256) + ".0/24\n";
    }
    AgentTestBed bed(yaml);
    const auto certs = bed.dir.file("certs");
    ASSERT_TRUE(makeDevCerts(certs));
    ASSERT_TRUE(bed.agent.start()) << bed.agent.log();

    const auto got = ctlAt(bed, certs, {"limits", "get"});
    EXPECT_EQ(got.exitCode, 0) << got.output;
    const auto set = ctlAt(bed, certs, {"limits", "set", "--per-ip-rate", "5", "--reason", "launch"});
    EXPECT_EQ(set.exitCode, 0) << set.output;
    EXPECT_NE(set.output.find("per-ip 5/s burst 5"), std::string::npos) << set.output;
}

}  // namespace
}  // namespace rampart::testing
