// The HTTP server's accept loop when the process runs out of file descriptors.
#include <arpa/inet.h>
#include <fcntl.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <string>
#include <thread>
#include <vector>

#include "http/HttpServer.h"

namespace rampart::http {
namespace {

using namespace std::chrono_literals;

class HealthHandler : public Handler {
public:
    void handle(const Request&, Response& response) override { response.body = "ok\n"; }
};

// Restores the descriptor limit and closes the filler descriptors, whatever the test's outcome.
struct DescriptorExhaustion {
    DescriptorExhaustion() {
        ::getrlimit(RLIMIT_NOFILE, &saved);
        // Enough room for what the test still opens itself, no more: every slot is then taken.
        rlimit lowered = saved;
        lowered.rlim_cur = 256;
        ::setrlimit(RLIMIT_NOFILE, &lowered);
        for (int fd; (fd = ::open("/dev/null", O_RDONLY)) >= 0;) fillers.push_back(fd);
    }
    ~DescriptorExhaustion() {
        release();
        ::setrlimit(RLIMIT_NOFILE, &saved);
    }
    void release() {
        for (int fd : fillers) ::close(fd);
        fillers.clear();
    }
    rlimit saved{};
    std::vector<int> fillers;
};

template <typename Predicate>
bool eventually(Predicate done, std::chrono::milliseconds within) {
    const auto deadline = std::chrono::steady_clock::now() + within;
    while (!done()) {
        if (std::chrono::steady_clock::now() > deadline) return false;
        std::this_thread::sleep_for(5ms);
    }
    return true;
}

TEST(HttpServer, outOfDescriptorsBacksOffInsteadOfSpinningAndRecovers) {
    HealthHandler handler;
    config::HttpConfig config;
    config.listen = "127.0.0.1:0";
    config.threads = 1;
    HttpServer server(config, handler);
    ASSERT_TRUE(server.start().ok());

    // The client's socket exists before the descriptors run out, and connects after: the kernel
    // completes and queues the connection, and the server's accept() fails with EMFILE for as
    // long as nothing is freed.
    const int client = ::socket(AF_INET, SOCK_STREAM, 0);
    ASSERT_GE(client, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(static_cast<uint16_t>(server.port()));
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    {
        DescriptorExhaustion exhausted;
        ASSERT_FALSE(exhausted.fillers.empty());
        const auto start = std::chrono::steady_clock::now();
        ASSERT_EQ(::connect(client, reinterpret_cast<sockaddr*>(&address), sizeof address), 0);
        // Each failed accept() waits before the next: 10, 20, 40, 80 ms... Spinning, the first
        // five failures would come within microseconds; backing off, they cannot come before
        // the waits between them add up (timers never fire early).
        ASSERT_TRUE(eventually([&] { return server.acceptBackoffs() >= 5; }, 10s));
        EXPECT_GE(std::chrono::steady_clock::now() - start, 150ms);
    }

    // Descriptors are back: the queued connection is accepted and served.
    const std::string request = "GET /healthz HTTP/1.1\r\nHost: t\r\n\r\n";
    ASSERT_EQ(::send(client, request.data(), request.size(), MSG_NOSIGNAL),
              static_cast<ssize_t>(request.size()));
    timeval timeout{5, 0};
    ::setsockopt(client, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
    char answer[256] = {};
    const ssize_t n = ::recv(client, answer, sizeof answer - 1, 0);
    ASSERT_GT(n, 0);
    EXPECT_TRUE(std::string(answer).starts_with("HTTP/1.1 200")) << answer;
    ::close(client);
    server.stop(0ms);
}

}  // namespace
}  // namespace rampart::http
