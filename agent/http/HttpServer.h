#pragma once

#include <chrono>
#include <cstdint>
#include <memory>

#include "absl/status/status.h"
#include "config/AgentConfig.h"
#include "http/HttpTypes.h"

namespace rampart::http {

// An HTTP/1.1 server on Boost.Beast for the gateway-facing endpoints. Each thread runs its own
// event loop with its own SO_REUSEPORT listener, so the kernel spreads connections and threads
// share nothing. Keep-alive; header size, body size, connection count and slow-client timeouts
// are bounded by HttpConfig.
class HttpServer {
public:
    // `handler` must outlive the server.
    HttpServer(config::HttpConfig config, Handler& handler);
    ~HttpServer();

    absl::Status start();
    int port() const { return port_; }
    // Times accepting paused because the process ran out of descriptors or memory.
    uint64_t acceptBackoffs() const;
    // Stops accepting, gives open requests up to `grace` to finish, then closes everything.
    void stop(std::chrono::milliseconds grace);

    struct Impl;

private:
    std::unique_ptr<Impl> impl_;
    int port_ = 0;
};

}  // namespace rampart::http
