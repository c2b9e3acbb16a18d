#pragma once

#include <atomic>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>

#include "config/AgentConfig.h"
#include "http/HttpTypes.h"

namespace rampart::http {

// Sockets bound to their io_context's own executor type: the type-erased default executor
// (any_io_executor) is copied and destroyed in every operation, which showed in profiles.
using Executor = boost::asio::io_context::executor_type;
using Socket = boost::asio::basic_stream_socket<boost::asio::ip::tcp, Executor>;

// What every connection of one server shares.
struct ServerState {
    ServerState(config::HttpConfig c, Handler& h) : config(std::move(c)), handler(h) {}

    const config::HttpConfig config;
    Handler& handler;
    std::atomic<int> connections{0};
    std::atomic<int> busy{0};  // requests read and not yet answered
    std::atomic<bool> stopping{false};
    std::atomic<uint64_t> acceptBackoffs{0};  // accepts paused for want of descriptors or memory
};

// Serves one accepted connection until it closes: keep-alive requests in turn, each bounded in
// header size, body size and time. The connection owns itself; it ends when its socket does.
void startSession(Socket socket, ServerState& server);

}  // namespace rampart::http
