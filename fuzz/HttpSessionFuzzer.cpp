// The HTTP data plane through the real session code (http::startSession: Beast's parser, the
// header and body limits, keep-alive, the timers) and the real routes (http::GatewayRoutes →
// CheckEngine). Bytes in over a socket pair, then end of input; the session must answer and
// close by itself within its timeouts, and what it writes must parse as HTTP/1.1 responses.
//
// So that the allow path (and the claim headers it echoes) is reachable, "$SIGNED:" followed by
// claims JSON up to the end of that line is replaced by a token of those claims signed with the
// in-process HS256 key: no committed seed can hold a valid signature.
#include <spdlog/spdlog.h>
#include <sys/socket.h>

#include <array>
#include <boost/asio/local/stream_protocol.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/string_body.hpp>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <string>
#include <string_view>

#include "engine/CheckEngine.h"
#include "http/GatewayRoutes.h"
#include "http/HttpSession.h"
#include "jwt/KeyStore.h"
#include "support/FuzzKeys.h"

namespace {

using namespace rampart;
namespace net = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using namespace std::chrono_literals;

// Beyond the unix socket's buffer the writer would need to interleave with the reader; the
// session's own header limit (16 KiB) is far below this anyway.
constexpr size_t kMaxInput = 64 * 1024;

config::HttpConfig httpConfig() {
    config::HttpConfig config;
    // Short, so an input that leaves the session waiting costs little; the run below is bounded
    // by them. The peer of a socket pair reads as "::", trusted so X-Real-IP / X-Forwarded-For
    // are honoured and parsed.
    config.readTimeout = 100ms;
    config.idleTimeout = 100ms;
    config.trustedProxies =
        limits::CidrList({*limits::Cidr::parse("::/128"), *limits::Cidr::parse("10.0.0.0/8")});
    return config;
}

struct Target {
    jwt::KeyStore keys;
    int64_t monotonicNs = 0;
    std::unique_ptr<CheckEngine> engine;
    config::HttpConfig config = httpConfig();
    std::unique_ptr<http::GatewayRoutes> routes;
    std::unique_ptr<http::ServerState> server;
    net::io_context io;

    Target() {
        spdlog::set_level(spdlog::level::off);
        keys.replace(fuzz::fuzzKeys().keySet);
        CheckEngineOptions options;
        options.cacheEntries = 64;  // state kept across inputs stays small
        options.maxLimiterKeys = 64;
        options.limits.perIp = {1000, 50, false};
        options.limits.derive();
        engine = std::make_unique<CheckEngine>(
            std::move(options), keys, [] { return fuzz::kNow; },
            [this] { return monotonicNs += 1'000'000; });
        routes = std::make_unique<http::GatewayRoutes>(*engine, keys, config,
                                                       [] { return std::string("up 1\n"); });
        server = std::make_unique<http::ServerState>(config, *routes);
    }
};

// The input with its "$SIGNED:<claims>" line, if any, turned into a signed token.
std::string withSignedToken(std::string_view input) {
    constexpr std::string_view kMarker = "$SIGNED:";
    const size_t at = input.find(kMarker);
    if (at == std::string_view::npos) return std::string(input);
    const size_t from = at + kMarker.size();
    const size_t end = std::min(input.find_first_of("\r\n", from), input.size());
    const auto& hs256 = fuzz::fuzzKeys().signers.back();
    return std::string(input.substr(0, at)) + hs256.mint(input.substr(from, end - from)) +
           std::string(input.substr(end));
}

// The answer must be a sequence of whole HTTP/1.1 responses (a cut at the very end is allowed:
// a session that timed out closes mid-write).
void checkAnswer(std::string_view answer) {
    while (!answer.empty()) {
        bhttp::response_parser<bhttp::string_body> parser;
        parser.eager(true);
        parser.body_limit(kMaxInput * 64);
        while (!parser.is_done() && !answer.empty()) {
            beast::error_code ec;
            const size_t used = parser.put(net::buffer(answer.data(), answer.size()), ec);
            answer.remove_prefix(used);
            if (ec == bhttp::error::need_more) {
                if (used == 0) return;  // cut short at the end
                continue;
            }
            if (ec) __builtin_trap();  // the agent wrote something that is not HTTP
        }
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    static Target target;
    if (size > kMaxInput) return -1;
    const std::string input =
        withSignedToken(std::string_view(reinterpret_cast<const char*>(data), size));

    int fds[2];
    if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds) != 0) std::abort();
    http::Socket serverSide(target.io.get_executor());
    serverSide.assign(net::ip::tcp::v4(), fds[0]);
    net::local::stream_protocol::socket client(target.io);
    client.assign(net::local::stream_protocol(), fds[1]);

    http::startSession(std::move(serverSide), *target.server);

    // Everything on one io_context: the client writes the input and then its end of stream
    // while reading (and keeping) whatever the session answers until the session closes.
    std::string answer;
    net::async_write(client, net::buffer(input), [&](beast::error_code, size_t) {
        beast::error_code ignored;
        client.shutdown(net::socket_base::shutdown_send, ignored);
    });
    std::array<char, 4096> chunk;
    std::function<void()> readMore = [&] {
        client.async_read_some(net::buffer(chunk), [&](beast::error_code ec, size_t n) {
            answer.append(chunk.data(), n);
            if (!ec) readMore();
        });
    };
    readMore();

    target.io.restart();
    target.io.run_for(5s);  // far beyond the session's own timeouts
    // Still running: the session neither answered nor timed out — a connection that would
    // stay open forever.
    if (!target.io.stopped() || target.server->connections.load() != 0) __builtin_trap();
    if (target.server->busy.load() != 0) __builtin_trap();
    checkAnswer(answer);
    // For replaying one input by hand: RAMPART_FUZZ_SHOW=1 fuzz_http_session <file>
    static const bool show = std::getenv("RAMPART_FUZZ_SHOW") != nullptr;
    if (show) std::fwrite(answer.data(), 1, answer.size(), stderr);
    return 0;
}
