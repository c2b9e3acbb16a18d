// The agent's /metrics as Prometheus's own tools read it: promtool's checker, and a real
// Prometheus server scraping the running agent.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <rapidjson/document.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cctype>
#include <chrono>
#include <filesystem>
#include <string>
#include <vector>

#include "AgentTestBed.h"
#include "support/FreePort.h"

namespace rampart::testing {
namespace {

using std::chrono::seconds;

// Runs `argv` to completion with stdin from `input`; returns the exit code (-1 if it did not
// exit normally) and fills `output` with stdout+stderr.
int runTool(const std::vector<std::string>& argv, const std::filesystem::path& input,
            std::string& output) {
    TempDir scratch;
    const auto outFile = scratch.file("out.txt");
    const int in = ::open(input.c_str(), O_RDONLY);
    const int out = ::open(outFile.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    std::vector<char*> args;
    for (const auto& arg : argv) args.push_back(const_cast<char*>(arg.c_str()));
    args.push_back(nullptr);
    const pid_t pid = ::fork();
    if (pid == 0) {
        ::dup2(in, STDIN_FILENO);
        ::dup2(out, STDOUT_FILENO);
        ::dup2(out, STDERR_FILENO);
        ::execv(args[0], args.data());
        ::dprintf(STDERR_FILENO, "cannot run %s\n", args[0]);
        ::_exit(127);
    }
    ::close(in);
    ::close(out);
    int status = 0;
    ::waitpid(pid, &status, 0);
    output = readFile(outFile);
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

// A Prometheus server scraping one target every second, with its storage in a temporary
// directory. Stopped (SIGTERM, its clean shutdown) on destruction.
class PrometheusServer {
public:
    PrometheusServer() = default;
    ~PrometheusServer() { stop(); }
    PrometheusServer(const PrometheusServer&) = delete;
    PrometheusServer& operator=(const PrometheusServer&) = delete;

    bool start(int targetPort) {
        port_ = freeLoopbackPort();
        dir_.write("prometheus.yml",
                   "global:\n"
                   "  scrape_interval: 1s\n"
                   "  scrape_timeout: 1s\n"
                   "scrape_configs:\n"
                   "  - job_name: rampart\n"
                   "    static_configs:\n"
                   "      - targets: ['127.0.0.1:" +
                       std::to_string(targetPort) + "']\n");
        const std::vector<std::string> argv{
            RAMPART_PROMETHEUS_BINARY,
            "--config.file=" + dir_.file("prometheus.yml").string(),
            "--storage.tsdb.path=" + dir_.file("tsdb").string(),
            "--web.listen-address=127.0.0.1:" + std::to_string(port_),
            "--log.level=warn",
        };
        std::vector<char*> args;
        for (const auto& arg : argv) args.push_back(const_cast<char*>(arg.c_str()));
        args.push_back(nullptr);
        const int logFd =
            ::open(dir_.file("prometheus.log").c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
        pid_ = ::fork();
        if (pid_ == 0) {
            ::dup2(logFd, STDOUT_FILENO);
            ::dup2(logFd, STDERR_FILENO);
            ::execv(args[0], args.data());
            ::dprintf(STDERR_FILENO, "cannot run %s (scripts/install-deps.sh installs it)\n",
                      args[0]);
            ::_exit(127);
        }
        ::close(logFd);
        return eventually([&] { return !running() || httpGet(url("/-/ready")).status == 200; },
                          seconds(30)) &&
               running();
    }

    void stop() {
        if (!running()) return;
        ::kill(pid_, SIGTERM);
        if (!eventually([&] { return !running(); }, seconds(15))) {
            ::kill(pid_, SIGKILL);
            ::waitpid(pid_, nullptr, 0);
            pid_ = -1;
        }
    }

    bool running() {
        if (pid_ <= 0) return false;
        if (::waitpid(pid_, nullptr, WNOHANG) == pid_) pid_ = -1;
        return pid_ > 0;
    }

    // The value of an instant query whose answer is one sample, as Prometheus formats it
    // ("7"), or empty while it has no such answer.
    std::string queryOne(const std::string& promql) {
        const auto reply = httpGet(url("/api/v1/query?query=" + urlEncoded(promql)));
        if (reply.status != 200) return {};
        rapidjson::Document doc;
        doc.Parse(reply.body.c_str());
        if (doc.HasParseError() || !doc.IsObject() || !doc.HasMember("data")) return {};
        const auto& data = doc["data"];
        if (!data.IsObject() || !data.HasMember("result")) return {};
        const auto& result = data["result"];
        if (!result.IsArray() || result.Size() != 1 || !result[0].IsObject() ||
            !result[0].HasMember("value")) {
            return {};
        }
        // A vector sample: {"metric": {...}, "value": [<time>, "<value>"]}.
        const auto& value = result[0]["value"];
        if (!value.IsArray() || value.Size() != 2 || !value[1].IsString()) return {};
        return value[1].GetString();
    }

    std::string log() const { return readFile(dir_.file("prometheus.log")); }

private:
    std::string url(const std::string& path) const {
        return "http://127.0.0.1:" + std::to_string(port_) + path;
    }

    static std::string urlEncoded(std::string_view text) {
        static constexpr char kHex[] = "0123456789ABCDEF";
        std::string out;
        for (const char c : text) {
            const auto u = static_cast<unsigned char>(c);
            if (std::isalnum(u) || c == '_' || c == '-' || c == '.' || c == '~') {
                out += c;
            } else {
                out += '%';
                out += kHex[u >> 4];
                out += kHex[u & 15];
            }
        }
        return out;
    }

    TempDir dir_;
    int port_ = 0;
    pid_t pid_ = -1;
};

class PrometheusTest : public ::testing::Test {
protected:
    void SetUp() override {
        ASSERT_TRUE(bed.agent.start()) << bed.agent.log();
        ASSERT_NE(bed.agent.httpPort(), 0) << bed.agent.log();
    }
    std::string url(std::string_view path) const {
        return "http://127.0.0.1:" + std::to_string(bed.agent.httpPort()) + std::string(path);
    }
    long check(const std::string& authorization) {
        return httpGet(url("/auth"), {"Authorization: " + authorization}).status;
    }

    // A per-subject limit of 7 in a burst, so traffic can produce every kind of sample:
    // allowed, refused tokens, and limited.
    AgentTestBed bed{R"(
http:
  listen: 127.0.0.1:0
limits:
  per_subject: {rate: 0.1, burst: 7}
)"};
};

TEST_F(PrometheusTest, promtoolAcceptsMetricsAfterTraffic) {
    const auto token = "Bearer " + bed.validToken(bed.keyA, "alice");
    for (int i = 0; i < 7; ++i) ASSERT_EQ(check(token), 200);
    EXPECT_EQ(check(token), 403);  // the eighth is over alice's limit
    EXPECT_EQ(check("Bearer garbage"), 401);
    EXPECT_EQ(check(""), 401);

    const auto metrics = httpGet(url("/metrics"));
    ASSERT_EQ(metrics.status, 200) << metrics.error;
    EXPECT_TRUE(metrics.header("Content-Type").starts_with("text/plain; version=0.0.4"))
        << metrics.header("Content-Type");
    EXPECT_NE(metrics.body.find("rampart_checks_total{verdict=\"RATE_LIMITED_USER\"} 1\n"),
              std::string::npos)
        << metrics.body;

    const auto page = bed.dir.write("metrics.txt", metrics.body);
    std::string output;
    const int rc = runTool({RAMPART_PROMTOOL_BINARY, "check", "metrics"}, page, output);
    EXPECT_EQ(rc, 0) << output << "\n--- /metrics ---\n" << metrics.body;
}

TEST_F(PrometheusTest, prometheusServerScrapesChecksAndTarget) {
    const auto token = "Bearer " + bed.validToken(bed.keyA, "alice");
    for (int i = 0; i < 7; ++i) ASSERT_EQ(check(token), 200);

    PrometheusServer prometheus;
    ASSERT_TRUE(prometheus.start(bed.agent.httpPort())) << prometheus.log();
    std::string allowed;
    EXPECT_TRUE(eventually(
        [&] {
            return (allowed = prometheus.queryOne("rampart_checks_total{verdict=\"ALLOW\"}")) ==
                   "7";
        },
        seconds(30)))
        << "last answer: \"" << allowed << "\"\n"
        << prometheus.log();
    std::string up;
    EXPECT_TRUE(eventually([&] { return (up = prometheus.queryOne("up{job=\"rampart\"}")) == "1"; },
                           seconds(30)))
        << "last answer: \"" << up << "\"\n"
        << prometheus.log();
}

}  // namespace
}  // namespace rampart::testing
