#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace rampart::http {

// What a route needs from a request, copied out of the HTTP library's types so routes can be
// tested without a socket.
struct Request {
    std::string_view method;
    std::string_view target;  // path and query
    std::string_view authorization;
    std::string_view realIp;         // X-Real-IP
    std::string_view forwardedFor;   // X-Forwarded-For
    std::string peerAddress;         // the socket's remote address
};

struct Response {
    int status = 200;
    std::string contentType = "text/plain; charset=utf-8";
    std::vector<std::pair<std::string, std::string>> headers;
    std::string body;
};

}  // namespace rampart::http
