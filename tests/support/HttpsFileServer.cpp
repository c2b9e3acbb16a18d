#include "support/HttpsFileServer.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>

#include "support/AgentProcess.h"
#include "support/FreePort.h"

namespace rampart::testing {
namespace {

bool acceptsConnections(int port) {
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = htons(static_cast<uint16_t>(port));
    const bool ok = ::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
    ::close(fd);
    return ok;
}

}  // namespace

HttpsFileServer::HttpsFileServer(std::filesystem::path root) : root_(std::move(root)) {}

HttpsFileServer::~HttpsFileServer() { stop(); }

bool HttpsFileServer::start() {
    const std::string make =
        "cd '" + root_.string() +
        "' && openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 1 "
        "-subj /CN=127.0.0.1 -addext subjectAltName=IP:127.0.0.1 -keyout server.key "
        "-out server.crt >/dev/null 2>&1";
    if (std::system(make.c_str()) != 0) return false;
    port_ = freeLoopbackPort();
    const std::string accept = "127.0.0.1:" + std::to_string(port_);
    pid_ = ::fork();
    if (pid_ == 0) {
        if (::chdir(root_.c_str()) != 0) ::_exit(127);
        const int null = ::open("/dev/null", O_RDWR);
        ::dup2(null, STDIN_FILENO);
        ::dup2(null, STDOUT_FILENO);
        ::dup2(null, STDERR_FILENO);
        ::execlp("openssl", "openssl", "s_server", "-quiet", "-WWW", "-accept", accept.c_str(),
                 "-cert", "server.crt", "-key", "server.key", static_cast<char*>(nullptr));
        ::_exit(127);
    }
    return eventually([&] { return acceptsConnections(port_); });
}

void HttpsFileServer::stop() {
    if (pid_ <= 0) return;
    ::kill(pid_, SIGTERM);
    ::waitpid(pid_, nullptr, 0);
    pid_ = -1;
}

std::string HttpsFileServer::url(const std::string& file) const {
    return "https://127.0.0.1:" + std::to_string(port_) + "/" + file;
}

}  // namespace rampart::testing
