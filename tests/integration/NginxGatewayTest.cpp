// Debian's nginx in front of the real agent, configured with the shipped example
// (installers/nginx/rampart-auth.conf): what a client of the protected application sees.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <string>
#include <vector>

#include "AgentTestBed.h"
#include "absl/strings/str_replace.h"
#include "support/FreePort.h"

namespace rampart::testing {
namespace {

using std::chrono::seconds;

// An nginx with nothing of the host's: its config, pid file, temp paths and log all live in a
// temporary directory. In the foreground, one process, so the pid we hold is nginx itself.
class Nginx {
public:
    Nginx() = default;
    ~Nginx() { stop(); }
    Nginx(const Nginx&) = delete;
    Nginx& operator=(const Nginx&) = delete;

    // `front` takes clients through the shipped example; `upstream` is the protected
    // application: it answers 200 and echoes the X-Auth-Subject it was given.
    bool start(int front, int upstream, int agentHttp) {
        const auto root = dir_.path().string();
        const auto loopback = [](int port) { return "127.0.0.1:" + std::to_string(port); };
        dir_.write("rampart-auth.conf",
                   absl::StrReplaceAll(readFile(RAMPART_NGINX_EXAMPLE),
                                       {{"__AGENT_HTTP__", loopback(agentHttp)},
                                        {"__LISTEN__", loopback(front)},
                                        {"__UPSTREAM__", loopback(upstream)}}));
        // Everything nginx would otherwise take from the host (pid file, temp paths, logs) is
        // pointed into the temporary directory.
        dir_.write("nginx.conf",
                   absl::StrReplaceAll(R"(
daemon off;
master_process off;
pid @ROOT@/nginx.pid;
error_log stderr info;
events { worker_connections 64; }
http {
    access_log off;
    client_body_temp_path @ROOT@/client_body;
    proxy_temp_path @ROOT@/proxy;
    fastcgi_temp_path @ROOT@/fastcgi;
    uwsgi_temp_path @ROOT@/uwsgi;
    scgi_temp_path @ROOT@/scgi;
    include @ROOT@/rampart-auth.conf;
    server {
        listen @UPSTREAM@;
        location / {
            add_header X-Upstream-Saw-Subject $http_x_auth_subject;
            return 200 "upstream ok\n";
        }
    }
}
)",
                                       {{"@ROOT@", root}, {"@UPSTREAM@", loopback(upstream)}}));
        const std::string binary = RAMPART_NGINX_BINARY;
        const std::string prefix = root + "/";
        const std::string config = root + "/nginx.conf";
        const int logFd =
            ::open(dir_.file("nginx.log").c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
        pid_ = ::fork();
        if (pid_ == 0) {
            ::dup2(logFd, STDOUT_FILENO);
            ::dup2(logFd, STDERR_FILENO);
            ::execl(binary.c_str(), binary.c_str(), "-p", prefix.c_str(), "-c", config.c_str(),
                    static_cast<char*>(nullptr));
            ::dprintf(STDERR_FILENO, "cannot run %s (scripts/install-deps.sh installs nginx)\n",
                      binary.c_str());
            ::_exit(127);
        }
        ::close(logFd);
        const std::string probe = "http://127.0.0.1:" + std::to_string(upstream) + "/";
        return eventually([&] { return !running() || httpGet(probe).status == 200; }) && running();
    }

    // SIGQUIT is nginx's graceful stop; a stuck nginx is killed rather than left behind.
    void stop() {
        if (!running()) return;
        ::kill(pid_, SIGQUIT);
        if (!eventually([&] { return !running(); }, seconds(10))) {
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

    std::string log() const { return readFile(dir_.file("nginx.log")); }

private:
    TempDir dir_;
    pid_t pid_ = -1;
};

class NginxGatewayTest : public ::testing::Test {
protected:
    void SetUp() override {
        ASSERT_TRUE(bed.agent.start()) << bed.agent.log();
        ASSERT_NE(bed.agent.httpPort(), 0) << bed.agent.log();
        front_ = freeLoopbackPort();
        const int upstream = freeLoopbackPort();
        ASSERT_TRUE(nginx.start(front_, upstream, bed.agent.httpPort())) << nginx.log();
    }

    // A request from one client address, through nginx.
    HttpReply get(const std::string& client, std::vector<std::string> headers = {}) {
        return httpGet("http://127.0.0.1:" + std::to_string(front_) + "/orders/42", headers,
                       client);
    }
    std::string bearer() const { return "Authorization: Bearer " + bed.validToken(bed.keyA); }

    // nginx reaches the agent from 127.0.0.1 and names the client in X-Real-IP; clients come
    // from other loopback addresses, so each has its own per-IP budget. One request a
    // second would refill during a slow run; one every 10 s cannot.
    AgentTestBed bed{R"(
http:
  listen: 127.0.0.1:0
  trusted_proxies: [127.0.0.1/32]
limits:
  per_ip: {rate: 0.1, burst: 3}
  blocklist: [127.0.0.66/32]
)"};
    Nginx nginx;
    int front_ = 0;
};

TEST_F(NginxGatewayTest, validTokenReachesUpstreamWithSubject) {
    // A subject the client names itself is replaced by the one the agent vouches for.
    const auto reply = get("127.0.0.2", {bearer(), "X-Auth-Subject: mallory"});
    ASSERT_EQ(reply.status, 200) << reply.error << reply.body << nginx.log();
    EXPECT_EQ(reply.body, "upstream ok\n");
    EXPECT_EQ(reply.header("X-Upstream-Saw-Subject"), "alice");
}

TEST_F(NginxGatewayTest, badTokenIsRefusedWith401InvalidToken) {
    const auto reply = get("127.0.0.2", {"Authorization: Bearer not.a.token"});
    ASSERT_EQ(reply.status, 401) << reply.error << reply.body << nginx.log();
    EXPECT_NE(reply.body, "upstream ok\n");
    const auto challenge = reply.header("WWW-Authenticate");
    EXPECT_TRUE(challenge.starts_with("Bearer ")) << challenge;
    EXPECT_NE(challenge.find("error=\"invalid_token\""), std::string::npos) << challenge;
}

TEST_F(NginxGatewayTest, missingTokenIsRefusedWith401Challenge) {
    const auto reply = get("127.0.0.2");
    ASSERT_EQ(reply.status, 401) << reply.error << reply.body << nginx.log();
    const auto challenge = reply.header("WWW-Authenticate");
    EXPECT_TRUE(challenge.starts_with("Bearer ")) << challenge;
    // RFC 6750 §3.1: no error code when the request carried no credentials.
    EXPECT_EQ(challenge.find("error="), std::string::npos) << challenge;
}

TEST_F(NginxGatewayTest, clientOverItsLimitGets429WithRetryAfter) {
    for (int i = 0; i < 3; ++i) {
        const auto reply = get("127.0.0.2", {bearer()});
        ASSERT_EQ(reply.status, 200) << "request " << i << ": " << reply.error << nginx.log();
    }
    const auto limited = get("127.0.0.2", {bearer()});
    ASSERT_EQ(limited.status, 429) << limited.error << limited.body << nginx.log();
    EXPECT_NE(limited.body, "upstream ok\n");
    EXPECT_EQ(limited.header("X-Rampart-Verdict"), "RATE_LIMITED_IP");
    const auto retryAfter = limited.header("Retry-After");
    ASSERT_FALSE(retryAfter.empty());
    EXPECT_GE(std::stoi(retryAfter), 1) << retryAfter;
    EXPECT_LE(std::stoi(retryAfter), 10) << retryAfter;

    // nginx overwrites X-Real-IP, so the client cannot step out of its budget by naming another
    // address...
    EXPECT_EQ(get("127.0.0.2", {bearer(), "X-Real-IP: 203.0.113.9"}).status, 429);
    // ...while another client still has its own.
    EXPECT_EQ(get("127.0.0.3", {bearer()}).status, 200);
}

TEST_F(NginxGatewayTest, blockedClientGets403) {
    const auto reply = get("127.0.0.66", {bearer()});
    ASSERT_EQ(reply.status, 403) << reply.error << reply.body << nginx.log();
    EXPECT_EQ(reply.header("X-Rampart-Verdict"), "BLOCKED");
    EXPECT_TRUE(reply.header("Retry-After").empty());
}

}  // namespace
}  // namespace rampart::testing
