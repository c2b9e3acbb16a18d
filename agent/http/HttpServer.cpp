#include "http/HttpServer.h"

#include <sys/socket.h>

#include <algorithm>
#include <boost/asio.hpp>
#include <cerrno>
#include <chrono>
#include <thread>
#include <vector>

#include "http/HttpSession.h"

namespace rampart::http {

namespace net = boost::asio;
using tcp = net::ip::tcp;
using ReusePort = net::detail::socket_option::boolean<SOL_SOCKET, SO_REUSEPORT>;
using Acceptor = net::basic_socket_acceptor<tcp, Executor>;

using Clock = std::chrono::steady_clock;
using Timer = net::basic_waitable_timer<Clock, net::wait_traits<Clock>, Executor>;

struct Worker {
    net::io_context io{1};  // one thread per context: no locking inside asio
    Acceptor acceptor{io};
    Timer backoffTimer{io};
    std::chrono::milliseconds backoff{0};
    std::thread thread;
};

// How long to stop accepting after accept() failed for want of descriptors or memory. The
// pending connection stays queued in the kernel; accepting again at once would fail again at
// once, and the loop would spin a core doing nothing useful.
constexpr std::chrono::milliseconds kFirstBackoff{10};
constexpr std::chrono::milliseconds kLongestBackoff{1000};

struct HttpServer::Impl {
    Impl(config::HttpConfig config, Handler& handler) : state(std::move(config), handler) {}

    ServerState state;  // declared first: the workers' sessions point at it until destroyed
    std::vector<std::unique_ptr<Worker>> workers;
};

namespace {

bool isResourceShortage(boost::system::error_code ec) {
    return ec == net::error::no_descriptors || ec == net::error::no_buffer_space ||
           ec == net::error::no_memory || ec.value() == ENFILE;
}

void accept(Worker& worker, ServerState& server);

void acceptAfterBackoff(Worker& worker, ServerState& server) {
    worker.backoff = std::clamp(worker.backoff * 2, kFirstBackoff, kLongestBackoff);
    ++server.acceptBackoffs;
    worker.backoffTimer.expires_after(worker.backoff);
    worker.backoffTimer.async_wait([&worker, &server](boost::system::error_code ec) {
        if (ec || !worker.acceptor.is_open()) return;
        accept(worker, server);
    });
}

void accept(Worker& worker, ServerState& server) {
    worker.acceptor.async_accept([&worker, &server](boost::system::error_code ec, Socket socket) {
        if (ec == net::error::operation_aborted || !worker.acceptor.is_open()) return;
        if (isResourceShortage(ec)) return acceptAfterBackoff(worker, server);
        worker.backoff = std::chrono::milliseconds(0);
        if (!ec) {
            if (server.connections.load() >= server.config.maxConnections) {
                boost::system::error_code ignored;
                socket.close(ignored);  // over the bound: refuse rather than degrade everyone
            } else {
                socket.set_option(tcp::no_delay(true), ec);
                startSession(std::move(socket), server);
            }
        }
        accept(worker, server);
    });
}

}  // namespace

HttpServer::HttpServer(config::HttpConfig config, Handler& handler)
    : impl_(std::make_unique<Impl>(std::move(config), handler)) {}

HttpServer::~HttpServer() { stop(std::chrono::milliseconds(0)); }

absl::Status HttpServer::start() {
    const auto& listen = impl_->state.config.listen;
    const size_t colon = listen.rfind(':');
    std::string host = listen.substr(0, colon);
    if (host.size() >= 2 && host.front() == '[') host = host.substr(1, host.size() - 2);
    boost::system::error_code ec;
    const auto address = net::ip::make_address(host, ec);
    if (ec) return absl::InvalidArgumentError("http.listen: not an IP address: " + host);
    int port = 0;
    try {
        port = std::stoi(listen.substr(colon + 1));
    } catch (...) {
        return absl::InvalidArgumentError("http.listen: bad port in " + listen);
    }

    for (int i = 0; i < impl_->state.config.threads; ++i) {
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
        accept(*worker, impl_->state);
        worker->thread = std::thread([w = worker.get()] { w->io.run(); });
    }
    return absl::OkStatus();
}

uint64_t HttpServer::acceptBackoffs() const { return impl_->state.acceptBackoffs.load(); }

void HttpServer::stop(std::chrono::milliseconds grace) {
    if (impl_->workers.empty()) return;
    impl_->state.stopping = true;
    for (auto& worker : impl_->workers) {
        net::post(worker->io, [w = worker.get()] {
            boost::system::error_code ignored;
            w->acceptor.close(ignored);
            w->backoffTimer.cancel();
        });
    }
    // Requests being answered get the grace period; idle keep-alive connections do not wait.
    const auto deadline = std::chrono::steady_clock::now() + grace;
    while (impl_->state.busy.load() > 0 && std::chrono::steady_clock::now() < deadline) {
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    for (auto& worker : impl_->workers) worker->io.stop();
    for (auto& worker : impl_->workers) {
        if (worker->thread.joinable()) worker->thread.join();
    }
    impl_->workers.clear();  // destroys pending sessions, closing their sockets
}

}  // namespace rampart::http
