#include "http/HttpSession.h"

#include <algorithm>
#include <boost/asio/basic_waitable_timer.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/read.hpp>
#include <chrono>
#include <memory>
#include <optional>
#include <string>

#include "http/RequestParser.h"
#include "http/ResponseWriter.h"

namespace rampart::http {

namespace {

namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
namespace net = boost::asio;
using Clock = std::chrono::steady_clock;
using Timer = net::basic_waitable_timer<Clock, net::wait_traits<Clock>, Executor>;

// Requests to /auth carry no body; anything bigger than this is a misbehaving client.
constexpr size_t kMaxBodyBytes = 16 * 1024;
// Room for a typical answer with its headers, so the write buffer is allocated once.
constexpr size_t kResponseReserve = 1024;
// What the read buffer may hold beyond a whole request head: a chunk-size line with its
// extensions, or the start of a pipelined request. Beast waits for a whole chunk line or a whole
// trailer before it consumes any of it, and bounds neither, so without a cap on the buffer one
// endless chunk extension grows it until the read timeout (hundreds of MB a second).
constexpr size_t kReadSlackBytes = 4096;
// How long and how much a refused client may go on sending before the connection is closed.
constexpr std::chrono::milliseconds kLingerTime{2000};
constexpr size_t kLingerBytes = 1 << 20;

// Errors in the request itself, as opposed to the connection's: these get a 400 answer.
bool isMalformed(beast::error_code ec) {
    if (ec.category() != bhttp::make_error_code(bhttp::error::bad_method).category()) return false;
    switch (static_cast<bhttp::error>(ec.value())) {
        case bhttp::error::bad_line_ending:
        case bhttp::error::bad_method:
        case bhttp::error::bad_target:
        case bhttp::error::bad_version:
        case bhttp::error::bad_status:
        case bhttp::error::bad_reason:
        case bhttp::error::bad_field:
        case bhttp::error::bad_value:
        case bhttp::error::bad_content_length:
        case bhttp::error::bad_transfer_encoding:
        case bhttp::error::bad_chunk:
        case bhttp::error::bad_chunk_extension:
        case bhttp::error::bad_obs_fold:
            return true;
        default:
            return false;
    }
}

class Session : public std::enable_shared_from_this<Session> {
public:
    Session(Socket socket, ServerState& server)
        : socket_(std::move(socket)),
          timer_(socket_.get_executor()),
          server_(server),
          buffer_(server.config.maxHeaderBytes + kReadSlackBytes) {
        ++server_.connections;
        out_.reserve(kResponseReserve);
    }
    ~Session() { --server_.connections; }

    void start() {
        beast::error_code ec;
        const auto remote = socket_.remote_endpoint(ec);
        if (!ec) {
            auto address = remote.address();
            // An IPv4 client on a dual-stack socket is that IPv4 client.
            if (address.is_v6() && address.to_v6().is_v4_mapped()) {
                address = net::ip::make_address_v4(net::ip::v4_mapped, address.to_v6());
            }
            peer_ = address.to_string();
        }
        read(server_.config.readTimeout);
    }

private:
    void read(std::chrono::milliseconds timeout) {
        parser_.emplace(head_);
        parser_->header_limit(static_cast<std::uint32_t>(server_.config.maxHeaderBytes));
        parser_->body_limit(kMaxBodyBytes);
        // Covers the wait for the request and its arrival: a client that trickles bytes (a
        // slowloris) is cut off when it runs out.
        expireAfter(timeout);
        bhttp::async_read(
            socket_, buffer_, *parser_,
            [self = shared_from_this()](beast::error_code ec, size_t) { self->onRead(ec); });
    }

    void onRead(beast::error_code ec) {
        if (ec == bhttp::error::header_limit) return reject(431, "request header too large\n");
        if (ec == bhttp::error::buffer_overflow) {
            // The read buffer is full and the parser still wants more: an oversized head, chunk
            // line or trailer.
            if (!parser_->is_header_done()) return reject(431, "request header too large\n");
            return reject(400, "chunk line or trailer too large\n");
        }
        if (ec == bhttp::error::body_limit) return reject(413, "request body too large\n");
        if (isMalformed(ec)) return reject(400, "malformed request\n");
        if (ec) return close();  // end of stream, timeout, reset: nothing to answer

        ++server_.busy;
        const Request request{head_.method, head_.target,       head_.authorization,
                              head_.realIp, head_.forwardedFor, peer_};
        response_.reset();
        server_.handler.handle(request, response_);
        respond(parser_->keep_alive() && !server_.stopping);
    }

    void reject(int status, std::string_view why) {
        ++server_.busy;
        response_.reset();
        response_.status = status;
        response_.body = why;
        lingerAfterAnswer_ = true;
        respond(false);
    }

    void respond(bool keepAlive) {
        out_.clear();
        writeResponse(response_, keepAlive, out_);
        expireAfter(server_.config.readTimeout);
        net::async_write(socket_, net::buffer(out_),
                         [self = shared_from_this(), keepAlive](beast::error_code ec, size_t) {
                             --self->server_.busy;
                             if (!ec && self->lingerAfterAnswer_) return self->linger();
                             if (ec || !keepAlive || self->server_.stopping) return self->close();
                             self->read(self->server_.config.idleTimeout);
                         });
    }

    // After refusing a request whose rest was never read: half-close, then read and drop what
    // the client is still sending, for a while and up to a budget, before closing. Closing with
    // unread input would reset the connection, and the reset can destroy the answer before the
    // client reads it (nginx's lingering close, for the same reason).
    void linger() {
        beast::error_code ignored;
        socket_.shutdown(Socket::shutdown_send, ignored);
        lingerLeft_ = kLingerBytes;
        expireAfter(std::min(server_.config.readTimeout, kLingerTime));
        drain();
    }

    void drain() {
        buffer_.clear();
        socket_.async_read_some(buffer_.prepare(buffer_.max_size()),
                                [self = shared_from_this()](beast::error_code ec, size_t n) {
                                    if (ec || n >= self->lingerLeft_) return self->close();
                                    self->lingerLeft_ -= n;
                                    self->drain();
                                });
    }

    void close() {
        closed_ = true;
        timer_.cancel();  // its wait holds this session alive
        beast::error_code ignored;
        socket_.shutdown(Socket::shutdown_send, ignored);
    }

    // One timer per connection, re-armed lazily: a read or write only moves deadline_, and a
    // timer that fires before it waits again for the rest. Re-arming a timer for every
    // operation (as beast::tcp_stream does) cost more than the rest of a keep-alive request.
    // It is re-armed at once only when the deadline moves earlier than the timer would fire.
    void expireAfter(std::chrono::milliseconds timeout) {
        deadline_ = Clock::now() + timeout;
        if (!timerArmed_ || deadline_ < timer_.expiry()) armTimer();
    }

    void armTimer() {
        timerArmed_ = true;
        timer_.expires_at(deadline_);  // cancels a pending wait, whose handler then does nothing
        timer_.async_wait([self = shared_from_this()](beast::error_code ec) {
            if (ec == net::error::operation_aborted) return;
            self->onTimer();
        });
    }

    void onTimer() {
        timerArmed_ = false;
        if (closed_) return;
        if (Clock::now() < deadline_) return armTimer();
        // Too slow: closing the socket ends the pending read or write with an error.
        beast::error_code ignored;
        socket_.close(ignored);
    }

    Socket socket_;
    Timer timer_;
    ServerState& server_;
    beast::flat_buffer buffer_;
    RequestHead head_;
    std::optional<RequestParser> parser_;
    Response response_;
    std::string out_;
    std::string peer_;
    Clock::time_point deadline_;
    bool timerArmed_ = false;
    bool closed_ = false;
    bool lingerAfterAnswer_ = false;
    size_t lingerLeft_ = 0;
};

}  // namespace

void startSession(Socket socket, ServerState& server) {
    std::make_shared<Session>(std::move(socket), server)->start();
}

}  // namespace rampart::http
