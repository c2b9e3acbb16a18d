#pragma once

#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace rampart::testing {

struct StandInRequest {
    std::string method;
    std::string target;
    std::map<std::string, std::string> headers;  // names in lower case
    std::string body;

    // The header's value, or "" when it was not sent.
    std::string header(const std::string& lowerCaseName) const;
};

struct StandInReply {
    int status = 200;
    std::string body;  // sent as application/json
};

// A remote HTTPS API played on loopback (the Kubernetes API server, say): every request is
// recorded and answered by `handler`. Listens on 127.0.0.1 port 0 with a throwaway self-signed
// certificate for IP 127.0.0.1 made on the spot; serves on its own thread until destroyed.
class HttpsStandIn {
public:
    using Handler = std::function<StandInReply(const StandInRequest&)>;

    explicit HttpsStandIn(Handler handler);
    ~HttpsStandIn();
    HttpsStandIn(const HttpsStandIn&) = delete;
    HttpsStandIn& operator=(const HttpsStandIn&) = delete;

    // False when the certificate could not be made or the port not bound.
    bool start();
    int port() const;
    std::string baseUrl() const;  // https://127.0.0.1:<port>
    // The certificate to trust (as a CA file) to reach this server.
    std::filesystem::path caFile() const;
    // Everything received so far, in order.
    std::vector<StandInRequest> requests() const;

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace rampart::testing
