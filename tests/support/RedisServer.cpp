#include "support/RedisServer.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <chrono>
#include <cstdio>
#include <memory>
#include <thread>
#include <vector>

#include "support/FreePort.h"

namespace rampart::testing {
namespace {

using Clock = std::chrono::steady_clock;

std::string run(const std::string& command) {
    std::unique_ptr<FILE, int (*)(FILE*)> pipe(::popen(command.c_str(), "r"), ::pclose);
    if (!pipe) return {};
    std::string out;
    std::array<char, 512> chunk;
    while (size_t n = std::fread(chunk.data(), 1, chunk.size(), pipe.get())) out.append(chunk.data(), n);
    return out;
}

}  // namespace

RedisServer::RedisServer(std::string password)
    : password_(std::move(password)), port_(freeLoopbackPort()) {}

RedisServer::~RedisServer() { stop(); }

bool RedisServer::start() {
    const std::string binary = RAMPART_REDIS_SERVER_BINARY;
    const std::string port = std::to_string(port_);
    const std::string dir = dir_.path().string();
    const int logFd = ::open(dir_.file("redis.log").c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
    // Built before fork: the child of a threaded process should only exec.
    std::vector<const char*> args{binary.c_str(), "--bind", "127.0.0.1", "--port", port.c_str(),
                                  "--save", "", "--appendonly", "no", "--dir", dir.c_str(),
                                  "--daemonize", "no"};
    if (!password_.empty()) {
        args.push_back("--requirepass");
        args.push_back(password_.c_str());
    }
    args.push_back(nullptr);
    pid_ = ::fork();
    if (pid_ == 0) {
        ::dup2(logFd, STDOUT_FILENO);
        ::dup2(logFd, STDERR_FILENO);
        ::execv(binary.c_str(), const_cast<char* const*>(args.data()));
        ::dprintf(STDERR_FILENO, "cannot run %s (scripts/install-deps.sh installs redis-server)\n",
                  binary.c_str());
        ::_exit(127);
    }
    ::close(logFd);
    const auto deadline = Clock::now() + std::chrono::seconds(10);
    while (Clock::now() < deadline) {
        if (::waitpid(pid_, nullptr, WNOHANG) == pid_) {
            pid_ = -1;
            return false;
        }
        if (answers()) return true;
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return false;
}

void RedisServer::stop() {
    if (pid_ <= 0) return;
    ::kill(pid_, SIGKILL);  // no persistence to flush; as abrupt as a crash
    ::waitpid(pid_, nullptr, 0);
    pid_ = -1;
}

bool RedisServer::answers() const { return cli("PING").find("PONG") != std::string::npos; }

std::string RedisServer::cli(const std::string& arguments) const {
    std::string command = "redis-cli -h 127.0.0.1 -p " + std::to_string(port_);
    if (!password_.empty()) command += " --no-auth-warning -a '" + password_ + "'";
    return run(command + " " + arguments + " 2>&1");
}

std::string RedisServer::log() const { return readFile(dir_.file("redis.log")); }

}  // namespace rampart::testing
