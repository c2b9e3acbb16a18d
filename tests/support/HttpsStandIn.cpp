#include "support/HttpsStandIn.h"

// Boost 1.74's Asio uses std::exchange without including <utility>; GCC 12 no longer pulls it in.
// clang-format off
#include <utility>
// clang-format on

#include <boost/asio.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <chrono>
#include <cstdlib>
#include <mutex>
#include <thread>

#include "absl/strings/ascii.h"
#include "support/TempDir.h"

namespace rampart::testing {

namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
namespace net = boost::asio;
namespace ssl = boost::asio::ssl;
using tcp = net::ip::tcp;

// Long enough for a sanitizer build under load; short enough that a stuck client cannot hold
// the test's teardown for long.
constexpr auto kIoTimeout = std::chrono::seconds(10);

std::string StandInRequest::header(const std::string& lowerCaseName) const {
    const auto found = headers.find(lowerCaseName);
    return found == headers.end() ? std::string() : found->second;
}

// Declared in the order that lets sessions still queued in `io` outlive nothing they use.
struct HttpsStandIn::Impl {
    Handler handler;
    TempDir dir;
    mutable std::mutex mutex;
    std::vector<StandInRequest> requests;
    // What sessions call: records, then answers.
    Handler serve = [this](const StandInRequest& request) {
        {
            std::lock_guard lock(mutex);
            requests.push_back(request);
        }
        return handler(request);
    };
    ssl::context tls{ssl::context::tls_server};
    net::io_context io{1};
    tcp::acceptor acceptor{io};
    int port = 0;
    std::thread thread;

    void accept();
};

namespace {

class Session : public std::enable_shared_from_this<Session> {
public:
    Session(tcp::socket socket, ssl::context& tls, const HttpsStandIn::Handler& serve)
        : stream_(std::move(socket), tls), serve_(serve) {}

    void start() {
        beast::get_lowest_layer(stream_).expires_after(kIoTimeout);
        stream_.async_handshake(ssl::stream_base::server,
                                [self = shared_from_this()](beast::error_code ec) {
                                    if (!ec) self->read();
                                });
    }

private:
    void read() {
        request_ = {};
        beast::get_lowest_layer(stream_).expires_after(kIoTimeout);
        bhttp::async_read(stream_, buffer_, request_,
                          [self = shared_from_this()](beast::error_code ec, size_t) {
                              if (!ec) self->answer();
                          });
    }

    void answer() {
        StandInRequest seen;
        seen.method = std::string(request_.method_string());
        seen.target = std::string(request_.target());
        for (const auto& field : request_) {
            seen.headers[absl::AsciiStrToLower(std::string(field.name_string()))] =
                std::string(field.value());
        }
        seen.body = request_.body();
        const StandInReply reply = serve_(seen);

        response_ = {};
        response_.version(request_.version());
        response_.result(static_cast<unsigned>(reply.status));
        response_.set(bhttp::field::content_type, "application/json");
        response_.body() = reply.body;
        response_.keep_alive(request_.keep_alive());
        response_.prepare_payload();
        beast::get_lowest_layer(stream_).expires_after(kIoTimeout);
        bhttp::async_write(stream_, response_,
                           [self = shared_from_this()](beast::error_code ec, size_t) {
                               if (ec) return;
                               if (self->response_.keep_alive()) return self->read();
                               self->stream_.async_shutdown([self](beast::error_code) {});
                           });
    }

    beast::ssl_stream<beast::tcp_stream> stream_;
    const HttpsStandIn::Handler& serve_;
    beast::flat_buffer buffer_;
    bhttp::request<bhttp::string_body> request_;
    bhttp::response<bhttp::string_body> response_;
};

}  // namespace

void HttpsStandIn::Impl::accept() {
    acceptor.async_accept(io, [this](beast::error_code ec, tcp::socket socket) {
        if (ec) return;
        std::make_shared<Session>(std::move(socket), tls, serve)->start();
        accept();
    });
}

HttpsStandIn::HttpsStandIn(Handler handler) : impl_(std::make_unique<Impl>()) {
    impl_->handler = std::move(handler);
}

HttpsStandIn::~HttpsStandIn() {
    impl_->io.stop();
    if (impl_->thread.joinable()) impl_->thread.join();
}

bool HttpsStandIn::start() {
    const std::string make =
        "cd '" + impl_->dir.path().string() +
        "' && openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 1 "
        "-subj /CN=127.0.0.1 -addext subjectAltName=IP:127.0.0.1 -keyout server.key "
        "-out server.crt >/dev/null 2>&1";
    if (std::system(make.c_str()) != 0) return false;

    beast::error_code ec;
    impl_->tls.use_certificate_chain_file(caFile().string(), ec);
    if (!ec)
        impl_->tls.use_private_key_file(impl_->dir.file("server.key").string(), ssl::context::pem,
                                        ec);
    if (ec) return false;

    const tcp::endpoint loopback(net::ip::make_address_v4("127.0.0.1"), 0);
    impl_->acceptor.open(loopback.protocol(), ec);
    if (!ec) impl_->acceptor.bind(loopback, ec);
    if (!ec) impl_->acceptor.listen(net::socket_base::max_listen_connections, ec);
    if (ec) return false;
    impl_->port = impl_->acceptor.local_endpoint().port();

    impl_->accept();
    impl_->thread = std::thread([this] { impl_->io.run(); });
    return true;
}

int HttpsStandIn::port() const { return impl_->port; }

std::string HttpsStandIn::baseUrl() const {
    return "https://127.0.0.1:" + std::to_string(impl_->port);
}

std::filesystem::path HttpsStandIn::caFile() const { return impl_->dir.file("server.crt"); }

std::vector<StandInRequest> HttpsStandIn::requests() const {
    std::lock_guard lock(impl_->mutex);
    return impl_->requests;
}

}  // namespace rampart::testing
