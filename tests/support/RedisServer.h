#pragma once

#include <sys/types.h>

#include <string>

#include "support/TempDir.h"

namespace rampart::testing {

// Debian's redis-server on a free 127.0.0.1 port, with nothing of the host's: no persistence,
// its log in a temporary directory. stop() and start() again keep the port, as a restarted
// server would.
class RedisServer {
public:
    explicit RedisServer(std::string password = "");
    ~RedisServer();
    RedisServer(const RedisServer&) = delete;
    RedisServer& operator=(const RedisServer&) = delete;

    // False when the server did not answer PING within 10 s; log() says why.
    bool start();
    void stop();
    int port() const { return port_; }
    std::string address() const { return "127.0.0.1:" + std::to_string(port_); }
    // Runs a command with redis-cli and returns its output, for checking what the agents stored.
    std::string cli(const std::string& arguments) const;
    std::string log() const;

private:
    bool answers() const;

    TempDir dir_;
    std::string password_;
    int port_;
    pid_t pid_ = -1;
};

}  // namespace rampart::testing
