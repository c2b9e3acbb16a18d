// The HTTP transport for rampart-load: GET /auth as nginx's auth_request sends it, over a pool of
// keep-alive connections per agent, on one Boost.Beast event loop.
#include <utility>  // before Boost.Asio 1.74, which uses std::exchange without it
#include <atomic>
#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <deque>
#include <optional>
#include <thread>

#include "load/Driver.h"

namespace rampart::load {
namespace {

namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
namespace net = boost::asio;
using tcp = net::ip::tcp;

int verdictFromResponse(const bhttp::response<bhttp::string_body>& response) {
    const auto it = response.find("X-Rampart-Verdict");
    if (it != response.end()) {
        const std::string_view name(it->value().data(), it->value().size());
        for (int v = 0; v < Recorder::kVerdicts; ++v) {
            if (name == verdictLabel(v)) return v;
        }
    }
    return response.result_int() == 200 ? 1 : 0;
}

class HttpDriver final : public Driver {
public:
    HttpDriver(const std::vector<std::string>& targets, int connectionsPerTarget,
               Recorder& recorder)
        : recorder_(recorder), guard_(net::make_work_guard(io_)) {
        for (const auto& target : targets) {
            const size_t colon = target.rfind(':');
            tcp::resolver resolver(io_);
            const auto endpoints =
                resolver.resolve(target.substr(0, colon), target.substr(colon + 1));
            for (int i = 0; i < connectionsPerTarget; ++i) {
                connections_.push_back(std::make_unique<Connection>(
                    io_, *endpoints.begin(), target.substr(0, colon)));
            }
        }
        thread_ = std::thread([this] { io_.run(); });
        net::post(io_, [this] {
            for (auto& c : connections_) connect(*c);
        });
    }

    ~HttpDriver() override {
        guard_.reset();
        io_.stop();
        if (thread_.joinable()) thread_.join();
    }

    void send(const Draw& draw, SteadyTime due) override {
        ++inFlight_;
        net::post(io_, [this, token = *draw.token, ip = *draw.clientIp, due]() mutable {
            queue_.push_back({std::move(token), std::move(ip), due});
            pump();
        });
    }

    size_t inFlight() const override { return inFlight_.load(); }

    void finish(SteadyTime deadline) override {
        while (inFlight_ > 0 && std::chrono::steady_clock::now() < deadline) {
            std::this_thread::sleep_for(std::chrono::milliseconds(5));
        }
        std::atomic<bool> done{false};
        net::post(io_, [this, &done] {
            for (const auto& p : queue_) recorder_.error(microsecondsSince(p.due));
            inFlight_ -= queue_.size();
            queue_.clear();
            for (auto& c : connections_) {
                beast::error_code ignored;
                c->stream.socket().close(ignored);
            }
            done = true;
        });
        while (!done) std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }

private:
    struct Pending {
        std::string token, ip;
        SteadyTime due;
    };
    struct Connection {
        Connection(net::io_context& io, tcp::endpoint to, std::string hostName)
            : stream(io), endpoint(std::move(to)), host(std::move(hostName)) {}
        beast::tcp_stream stream;
        tcp::endpoint endpoint;
        std::string host;
        bool connected = false;
        bool busy = false;
        beast::flat_buffer buffer;
        bhttp::request<bhttp::empty_body> request;
        bhttp::response<bhttp::string_body> response;
        std::optional<Pending> current;
    };

    void connect(Connection& c) {
        c.stream.expires_after(std::chrono::seconds(5));
        c.stream.async_connect(c.endpoint, [this, &c](beast::error_code ec) {
            if (ec) {
                // Retry shortly; requests wait in the queue meanwhile.
                auto timer = std::make_shared<net::steady_timer>(io_, std::chrono::milliseconds(100));
                timer->async_wait([this, &c, timer](beast::error_code) { connect(c); });
                return;
            }
            c.stream.socket().set_option(tcp::no_delay(true));
            c.connected = true;
            pump();
        });
    }

    void pump() {
        for (auto& c : connections_) {
            if (queue_.empty()) return;
            if (c->connected && !c->busy) start(*c);
        }
    }

    void start(Connection& c) {
        c.busy = true;
        c.current = std::move(queue_.front());
        queue_.pop_front();
        c.request = {};
        c.request.method(bhttp::verb::get);
        c.request.target("/auth");
        c.request.version(11);
        c.request.set(bhttp::field::host, c.host);
        c.request.set(bhttp::field::authorization, "Bearer " + c.current->token);
        c.request.set("X-Real-IP", c.current->ip);
        c.request.keep_alive(true);
        c.stream.expires_after(std::chrono::seconds(5));
        bhttp::async_write(c.stream, c.request, [this, &c](beast::error_code ec, size_t) {
            if (ec) return fail(c);
            c.response = {};
            bhttp::async_read(c.stream, c.buffer, c.response,
                              [this, &c](beast::error_code ec2, size_t) {
                                  if (ec2) return fail(c);
                                  recorder_.record(verdictFromResponse(c.response),
                                                   microsecondsSince(c.current->due));
                                  c.current.reset();
                                  c.busy = false;
                                  --inFlight_;
                                  if (!c.response.keep_alive()) return reconnect(c);
                                  pump();
                              });
        });
    }

    void fail(Connection& c) {
        if (c.current) {
            recorder_.error(microsecondsSince(c.current->due));
            c.current.reset();
            --inFlight_;
        }
        reconnect(c);
    }

    void reconnect(Connection& c) {
        beast::error_code ignored;
        c.stream.socket().close(ignored);
        c.connected = false;
        c.busy = false;
        c.buffer.clear();
        connect(c);
    }

    Recorder& recorder_;
    net::io_context io_{1};
    net::executor_work_guard<net::io_context::executor_type> guard_;
    std::vector<std::unique_ptr<Connection>> connections_;
    std::deque<Pending> queue_;  // touched only on the event loop's thread
    std::atomic<size_t> inFlight_{0};
    std::thread thread_;
};

}  // namespace

std::unique_ptr<Driver> makeHttpDriver(const std::vector<std::string>& targets,
                                       int connectionsPerTarget, Recorder& recorder) {
    return std::make_unique<HttpDriver>(targets, connectionsPerTarget, recorder);
}

}  // namespace rampart::load
