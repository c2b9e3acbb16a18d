#include "http/HttpServer.h"

#include <spdlog/spdlog.h>
#include <sys/socket.h>

#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <optional>

namespace rampart::http {

namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
namespace net = boost::asio;
using tcp = net::ip::tcp;
using ReusePort = net::detail::socket_option::boolean<SOL_SOCKET, SO_REUSEPORT>;

// Requests to /auth carry no body; anything bigger than this is a misbehaving client.
constexpr size_t kMaxBodyBytes = 16 * 1024;

struct Worker {
    net::io_context io{1};  // one thread per context: no locking inside asio
    tcp::acceptor acceptor{io};
    std::thread thread;
};

struct HttpServer::Impl {
    config::HttpConfig config;
    Handler handler;
    std::vector<std::unique_ptr<Worker>> workers;
    std::atomic<int> connections{0};
    std::atomic<int> busy{0};  // requests read and not yet answered
    std::atomic<bool> stopping{false};
};

namespace {

class Session : public std::enable_shared_from_this<Session> {
public:
    Session(tcp::socket socket, HttpServer::Impl& server)
        : stream_(std::move(socket)), server_(server) {
        ++server_.connections;
    }
    ~Session() { --server_.connections; }

    void start() {
        beast::error_code ec;
        const auto remote = stream_.socket().remote_endpoint(ec);
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
        parser_.emplace();
        parser_->header_limit(static_cast<std::uint32_t>(server_.config.maxHeaderBytes));
        parser_->body_limit(kMaxBodyBytes);
        // Covers the wait for the request and its arrival: a client that trickles bytes (a
        // slowloris) is cut off when it runs out.
        stream_.expires_after(timeout);
        bhttp::async_read(stream_, buffer_, *parser_,
                          [self = shared_from_this()](beast::error_code ec, size_t) {
                              self->onRead(ec);
                          });
    }

    void onRead(beast::error_code ec) {
        if (ec == bhttp::error::header_limit) return reject(431, "request header too large");
        if (ec == bhttp::error::body_limit) return reject(413, "request body too large");
        if (ec == bhttp::error::bad_target || ec == bhttp::error::bad_method ||
            ec == bhttp::error::bad_field || ec == bhttp::error::bad_value ||
            ec == bhttp::error::bad_version) {
            return reject(400, "malformed request");
        }
        if (ec) return close();  // end of stream, timeout, reset: nothing to answer

        ++server_.busy;
        const auto& req = parser_->get();
        Request view;
        view.method = std::string_view(req.method_string().data(), req.method_string().size());
        view.target = std::string_view(req.target().data(), req.target().size());
        const auto field = [&](auto name) {
            auto it = req.find(name);
            return it == req.end() ? std::string_view()
                                   : std::string_view(it->value().data(), it->value().size());
        };
        view.authorization = field(bhttp::field::authorization);
        view.realIp = field("X-Real-IP");
        view.forwardedFor = field("X-Forwarded-For");
        view.peerAddress = peer_;
        Response out;
        server_.handler(view, out);
        respond(std::move(out), req.keep_alive() && !server_.stopping);
    }

    void reject(int status, const char* why) {
        ++server_.busy;
        Response out;
        out.status = status;
        out.body = std::string(why) + "\n";
        respond(std::move(out), false);
    }

    void respond(Response out, bool keepAlive) {
        response_ = {};
        response_.version(11);
        response_.result(static_cast<unsigned>(out.status));
        response_.set(bhttp::field::server, "rampart-agent");
        response_.set(bhttp::field::content_type, out.contentType);
        for (auto& [name, value] : out.headers) response_.set(name, value);
        response_.body() = std::move(out.body);
        response_.keep_alive(keepAlive);
        response_.prepare_payload();
        stream_.expires_after(server_.config.readTimeout);
        bhttp::async_write(stream_, response_,
                           [self = shared_from_this(), keepAlive](beast::error_code ec, size_t) {
                               --self->server_.busy;
                               if (ec || !keepAlive || self->server_.stopping) return self->close();
                               self->read(self->server_.config.idleTimeout);
                           });
    }

    void close() {
        beast::error_code ignored;
        stream_.socket().shutdown(tcp::socket::shutdown_send, ignored);
    }

    beast::tcp_stream stream_;
    beast::flat_buffer buffer_;
    std::optional<bhttp::request_parser<bhttp::string_body>> parser_;
    bhttp::response<bhttp::string_body> response_;
    HttpServer::Impl& server_;
    std::string peer_;
};

void accept(Worker& worker, HttpServer::Impl& server) {
    worker.acceptor.async_accept(worker.io, [&worker, &server](beast::error_code ec,
                                                               tcp::socket socket) {
        if (ec == net::error::operation_aborted || !worker.acceptor.is_open()) return;
        if (!ec) {
            if (server.connections.load() >= server.config.maxConnections) {
                beast::error_code ignored;
                socket.close(ignored);  // over the bound: refuse rather than degrade everyone
            } else {
                socket.set_option(tcp::no_delay(true), ec);
                std::make_shared<Session>(std::move(socket), server)->start();
            }
        }
        accept(worker, server);
    });
}

}  // namespace

HttpServer::HttpServer(config::HttpConfig config, Handler handler)
    : impl_(std::make_unique<Impl>()) {
    impl_->config = std::move(config);
    impl_->handler = std::move(handler);
}

HttpServer::~HttpServer() { stop(std::chrono::milliseconds(0)); }

absl::Status HttpServer::start() {
    const auto& listen = impl_->config.listen;
    const size_t colon = listen.rfind(':');
    std::string host = listen.substr(0, colon);
    if (host.size() >= 2 && host.front() == '[') host = host.substr(1, host.size() - 2);
    beast::error_code ec;
    const auto address = net::ip::make_address(host, ec);
    if (ec) return absl::InvalidArgumentError("http.listen: not an IP address: " + host);
    int port = 0;
    try {
        port = std::stoi(listen.substr(colon + 1));
    } catch (...) {
        return absl::InvalidArgumentError("http.listen: bad port in " + listen);
    }

    for (int i = 0; i < impl_->config.threads; ++i) {
        auto worker = std::make_unique<Worker>();
        const tcp::endpoint endpoint(address, static_cast<unsigned short>(port));
        worker->acceptor.open(endpoint.protocol(), ec);
        if (!ec) worker->acceptor.set_option(net::socket_base::reuse_address(true), ec);
        if (!ec) worker->acceptor.set_option(ReusePort(true), ec);
        if (!ec) worker->acceptor.bind(endpoint, ec);
        if (!ec) worker->acceptor.listen(net::socket_base::max_listen_connections, ec);
        if (ec) return absl::UnavailableError("cannot listen on " + listen + ": " + ec.message());
        // Port 0: the first listener picks the port, the others join it.
        port = worker->acceptor.local_endpoint().port();
        impl_->workers.push_back(std::move(worker));
    }
    port_ = port;
    for (auto& worker : impl_->workers) {
        accept(*worker, *impl_);
        worker->thread = std::thread([w = worker.get()] { w->io.run(); });
    }
    return absl::OkStatus();
}

void HttpServer::stop(std::chrono::milliseconds grace) {
    if (impl_->workers.empty()) return;
    impl_->stopping = true;
    for (auto& worker : impl_->workers) {
        net::post(worker->io, [w = worker.get()] {
            beast::error_code ignored;
            w->acceptor.close(ignored);
        });
    }
    // Requests being answered get the grace period; idle keep-alive connections do not wait.
    const auto deadline = std::chrono::steady_clock::now() + grace;
    while (impl_->busy.load() > 0 && std::chrono::steady_clock::now() < deadline) {
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    for (auto& worker : impl_->workers) worker->io.stop();
    for (auto& worker : impl_->workers) {
        if (worker->thread.joinable()) worker->thread.join();
    }
    impl_->workers.clear();  // destroys pending sessions, closing their sockets
}

}  // namespace rampart::http
