#pragma once

#include <sys/types.h>

#include <filesystem>
#include <string>

namespace rampart::testing {

// A real HTTPS server on loopback: `openssl s_server -WWW` serving files from a directory, with
// a throwaway self-signed certificate for 127.0.0.1 made on the spot. Stopped on destruction.
class HttpsFileServer {
public:
    explicit HttpsFileServer(std::filesystem::path root);
    ~HttpsFileServer();
    HttpsFileServer(const HttpsFileServer&) = delete;
    HttpsFileServer& operator=(const HttpsFileServer&) = delete;

    bool start();
    void stop();
    std::string url(const std::string& file) const;
    // The certificate to trust (as a CA file) to reach this server.
    std::filesystem::path caFile() const { return root_ / "server.crt"; }

private:
    std::filesystem::path root_;
    int port_ = 0;
    pid_t pid_ = -1;
};

}  // namespace rampart::testing
