// The agent's HTTP endpoint over real sockets: keep-alive, the bounds it puts on clients, probes,
// and shutdown with connections still open.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <string>
#include <string_view>

#include "AgentTestBed.h"
#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"

namespace rampart::testing {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;
using Clock = std::chrono::steady_clock;

struct RawResponse {
    int status = 0;  // 0: the connection ended (or timed out) before a whole response came
    std::string head;
    std::string body;
};

// A TCP connection written to by hand, for what an HTTP library would hide: which connection a
// response came on, and when the server hangs up.
class RawConnection {
public:
    explicit RawConnection(int port) : fd_(::socket(AF_INET, SOCK_STREAM, 0)) {
        sockaddr_in address{};
        address.sin_family = AF_INET;
        address.sin_port = htons(static_cast<uint16_t>(port));
        address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        connected_ = ::connect(fd_, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0;
    }
    ~RawConnection() { ::close(fd_); }
    RawConnection(const RawConnection&) = delete;
    RawConnection& operator=(const RawConnection&) = delete;

    bool connected() const { return connected_; }

    bool send(std::string_view data) {
        while (!data.empty()) {
            const ssize_t n = ::send(fd_, data.data(), data.size(), MSG_NOSIGNAL);
            if (n <= 0) return false;
            data.remove_prefix(static_cast<size_t>(n));
        }
        return true;
    }

    // Sends as much of `data` as the server takes without a pause of `stall`, stopping as soon
    // as an answer arrives, as an HTTP client does; the bytes sent. For a server that stops
    // reading: a plain send would block on the full socket buffer.
    size_t sendWhileRead(std::string_view data, milliseconds stall = milliseconds(500)) {
        size_t sent = 0;
        while (sent < data.size()) {
            pollfd p{fd_, POLLOUT | POLLIN, 0};
            if (::poll(&p, 1, static_cast<int>(stall.count())) <= 0 || (p.revents & POLLIN)) break;
            const ssize_t n =
                ::send(fd_, data.data() + sent, data.size() - sent, MSG_NOSIGNAL | MSG_DONTWAIT);
            if (n <= 0) break;
            sent += static_cast<size_t>(n);
        }
        return sent;
    }

    // One response: the head, then Content-Length bytes of body.
    RawResponse read(milliseconds timeout = seconds(10)) {
        const auto deadline = Clock::now() + timeout;
        RawResponse out;
        size_t headEnd;
        while ((headEnd = buffer_.find("\r\n\r\n")) == std::string::npos) {
            if (!fill(deadline)) return out;
        }
        out.head = buffer_.substr(0, headEnd + 2);
        size_t length = 0;
        const auto lower = absl::AsciiStrToLower(out.head);
        if (const size_t at = lower.find("\r\ncontent-length:"); at != std::string::npos) {
            const size_t start = at + 17;
            (void)absl::SimpleAtoi(lower.substr(start, lower.find("\r\n", start) - start), &length);
        }
        while (buffer_.size() < headEnd + 4 + length) {
            if (!fill(deadline)) return out;
        }
        out.body = buffer_.substr(headEnd + 4, length);
        buffer_.erase(0, headEnd + 4 + length);
        if (out.head.starts_with("HTTP/1.1 ") && out.head.size() >= 12) {
            (void)absl::SimpleAtoi(out.head.substr(9, 3), &out.status);
        }
        return out;
    }

    // True once the server has closed its end: end of stream, or a reset.
    bool closedByPeer() {
        pollfd p{fd_, POLLIN, 0};
        if (::poll(&p, 1, 0) <= 0) return false;
        char chunk[4096];
        const ssize_t n = ::recv(fd_, chunk, sizeof chunk, MSG_DONTWAIT);
        if (n > 0) buffer_.append(chunk, static_cast<size_t>(n));
        return n == 0 || (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK);
    }

private:
    bool fill(Clock::time_point deadline) {
        const auto left = std::chrono::duration_cast<milliseconds>(deadline - Clock::now());
        pollfd p{fd_, POLLIN, 0};
        if (left.count() <= 0 || ::poll(&p, 1, static_cast<int>(left.count())) <= 0) return false;
        char chunk[4096];
        const ssize_t n = ::recv(fd_, chunk, sizeof chunk, 0);
        if (n <= 0) return false;
        buffer_.append(chunk, static_cast<size_t>(n));
        return true;
    }

    int fd_;
    bool connected_ = false;
    std::string buffer_;
};

std::string get(std::string_view path) {
    return "GET " + std::string(path) + " HTTP/1.1\r\nHost: rampart\r\n\r\n";
}

class HttpEndpointTest : public ::testing::Test {
protected:
    void SetUp() override {
        ASSERT_TRUE(bed.agent.start()) << bed.agent.log();
        port = bed.agent.httpPort();
        ASSERT_NE(port, 0) << bed.agent.log();
    }
    std::string url(std::string_view path) const {
        return "http://127.0.0.1:" + std::to_string(port) + std::string(path);
    }

    AgentTestBed bed{R"(
http:
  listen: 127.0.0.1:0
  max_header_bytes: 2048
  read_timeout: 300ms
)"};
    int port = 0;
};

TEST_F(HttpEndpointTest, keepAliveAnswersTwoRequestsOnOneConnection) {
    RawConnection connection(port);
    ASSERT_TRUE(connection.connected());
    ASSERT_TRUE(connection.send(get("/healthz")));
    const auto first = connection.read();
    ASSERT_EQ(first.status, 200) << first.head;
    EXPECT_EQ(first.body, "ok\n");
    EXPECT_EQ(absl::AsciiStrToLower(first.head).find("connection: close"), std::string::npos)
        << first.head;

    ASSERT_TRUE(connection.send(get("/readyz")));
    const auto second = connection.read();
    ASSERT_EQ(second.status, 200) << second.head;
    EXPECT_EQ(second.body, "ready\n");
}

TEST_F(HttpEndpointTest, headerOverTheLimitGets431) {
    RawConnection connection(port);
    ASSERT_TRUE(connection.connected());
    connection.send("GET /auth HTTP/1.1\r\nHost: rampart\r\nX-Padding: " + std::string(4096, 'a') +
                    "\r\n\r\n");
    const auto response = connection.read();
    EXPECT_EQ(response.status, 431) << response.head;
    // The connection is not kept: the rest of that request was never read.
    EXPECT_TRUE(eventually([&] { return connection.closedByPeer(); }, seconds(5)));
}

TEST_F(HttpEndpointTest, headerWithinTheLimitIsServed) {
    RawConnection connection(port);
    ASSERT_TRUE(connection.connected());
    connection.send("GET /healthz HTTP/1.1\r\nHost: rampart\r\nX-Padding: " +
                    std::string(1024, 'a') + "\r\n\r\n");
    EXPECT_EQ(connection.read().status, 200);
}

TEST_F(HttpEndpointTest, bodyOverTheLimitGets413AndASmallOneIsDropped) {
    RawConnection connection(port);
    ASSERT_TRUE(connection.connected());
    // No route takes a body; a small one is read past, and the connection stays usable.
    ASSERT_TRUE(
        connection.send("POST /healthz HTTP/1.1\r\nHost: rampart\r\nContent-Length: 5\r\n"
                        "\r\nhello"));
    const auto small = connection.read();
    EXPECT_EQ(small.status, 200) << small.head;
    ASSERT_TRUE(
        connection.send("POST /auth HTTP/1.1\r\nHost: rampart\r\nContent-Length: 100000\r\n"
                        "\r\n" +
                        std::string(1000, 'a')));
    const auto big = connection.read();
    EXPECT_EQ(big.status, 413) << big.head;
    EXPECT_TRUE(eventually([&] { return connection.closedByPeer(); }, seconds(5)));
}

// Beast waits for a whole chunk line, or a whole trailer, before consuming any of it: an endless
// one used to grow the connection's buffer until the read timeout (hundreds of MB a second). Now
// the buffer is capped and the request refused long before the client stops sending.
void expectRefusedWithoutBuffering(int port, std::string_view afterHead) {
    // Made before connecting: the 300 ms read timeout starts at the connection.
    const std::string flood = "POST /auth HTTP/1.1\r\nHost: rampart\r\n"
                              "Transfer-Encoding: chunked\r\n\r\n" +
                              std::string(afterHead) + std::string(size_t{64} << 20, 'a');
    RawConnection connection(port);
    ASSERT_TRUE(connection.connected());
    const size_t sent = connection.sendWhileRead(flood);
    // A server that kept reading would have taken all 64 MB; socket buffers hold a few MB at most.
    EXPECT_LT(sent, flood.size() / 4);
    const auto response = connection.read();
    EXPECT_EQ(response.status, 400) << response.head;
}

TEST_F(HttpEndpointTest, endlessChunkExtensionIsRefusedWithoutBuffering) {
    expectRefusedWithoutBuffering(port, "1;");
}

TEST_F(HttpEndpointTest, endlessTrailerIsRefusedWithoutBuffering) {
    expectRefusedWithoutBuffering(port, "0\r\nX-Trailer: ");
}

TEST_F(HttpEndpointTest, transferEncodingOtherThanChunkedGets400) {
    RawConnection connection(port);
    ASSERT_TRUE(connection.connected());
    ASSERT_TRUE(
        connection.send("POST /auth HTTP/1.1\r\nHost: rampart\r\nTransfer-Encoding: xchunked\r\n"
                        "Content-Length: 5\r\n\r\nhello"));
    EXPECT_EQ(connection.read().status, 400);
    EXPECT_TRUE(eventually([&] { return connection.closedByPeer(); }, seconds(5)));
}

TEST_F(HttpEndpointTest, silentClientIsDisconnectedAfterReadTimeout) {
    const auto start = Clock::now();
    RawConnection connection(port);
    ASSERT_TRUE(connection.connected());
    ASSERT_TRUE(eventually([&] { return connection.closedByPeer(); }, seconds(5)));
    // Cut off by the 300 ms read timeout, not by anything sooner.
    EXPECT_GE(Clock::now() - start, milliseconds(250));
}

TEST_F(HttpEndpointTest, probesAnswerAndUnknownPathIs404) {
    const auto ready = httpGet(url("/readyz"));
    EXPECT_EQ(ready.status, 200) << ready.error;
    EXPECT_EQ(ready.body, "ready\n");
    const auto health = httpGet(url("/healthz"));
    EXPECT_EQ(health.status, 200) << health.error;
    const auto unknown = httpGet(url("/no-such-thing"));
    EXPECT_EQ(unknown.status, 404) << unknown.error;
}

TEST_F(HttpEndpointTest, sigtermWithIdleKeepAliveConnectionExitsZeroPromptly) {
    RawConnection connection(port);
    ASSERT_TRUE(connection.connected());
    ASSERT_TRUE(connection.send(get("/healthz")));
    ASSERT_EQ(connection.read().status, 200);

    // The connection now sits idle, kept alive; the agent's shutdown grace is 5 s.
    const auto start = Clock::now();
    bed.agent.signal(SIGTERM);
    EXPECT_EQ(bed.agent.waitForExit(seconds(10)), 0) << bed.agent.log();
    EXPECT_LT(Clock::now() - start, seconds(3)) << bed.agent.log();
    EXPECT_TRUE(eventually([&] { return connection.closedByPeer(); }, seconds(2)));
}

}  // namespace
}  // namespace rampart::testing
