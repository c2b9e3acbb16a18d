#pragma once

#include <string>
#include <string_view>

namespace rampart::http {

// What a route needs from a request, as views of the connection's buffers, so routes can be
// tested without a socket. Valid while the route runs.
struct Request {
    std::string_view method;
    std::string_view target;  // path and query
    std::string_view authorization;
    std::string_view realIp;        // X-Real-IP
    std::string_view forwardedFor;  // X-Forwarded-For
    std::string_view peerAddress;   // the socket's remote address
};

inline constexpr std::string_view kPlainText = "text/plain; charset=utf-8";

// What a route answers. A connection reuses one Response for all its requests, and the extra
// headers are kept as the text that goes on the wire, so once the buffers have grown an answer
// costs no allocation (per-header strings were a measurable share of a /auth request).
struct Response {
    int status = 200;
    std::string_view contentType = kPlainText;  // static text
    std::string headers;  // "Name: value\r\n" lines, beyond Server, Content-Type, Content-Length
    std::string body;

    // The caller vouches that neither part can break the header (RFC 9110 §5.5: no CR or LF).
    void addHeader(std::string_view name, std::string_view value) {
        headers.append(name).append(": ").append(value).append("\r\n");
    }
    // Back to a fresh 200 with no headers and no body, keeping the buffers.
    void reset() {
        status = 200;
        contentType = kPlainText;
        headers.clear();
        body.clear();
    }
};

// Answers requests on the server's threads; must not block.
class Handler {
public:
    virtual ~Handler() = default;
    virtual void handle(const Request& request, Response& response) = 0;
};

}  // namespace rampart::http
