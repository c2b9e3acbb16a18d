#include "http/ResponseWriter.h"

#include <array>
#include <charconv>
// Boost 1.74's status.hpp uses std::ostream without including <ostream>.
// clang-format off
#include <ostream>
#include <boost/beast/http/status.hpp>
// clang-format on

namespace rampart::http {

namespace {

void appendDecimal(std::string& out, size_t value) {
    std::array<char, 20> digits;
    const auto end = std::to_chars(digits.data(), digits.data() + digits.size(), value).ptr;
    out.append(digits.data(), end);
}

}  // namespace

void writeResponse(const Response& response, bool keepAlive, std::string& out) {
    const auto reason = boost::beast::http::obsolete_reason(
        static_cast<boost::beast::http::status>(response.status));
    out.append("HTTP/1.1 ");
    appendDecimal(out, static_cast<size_t>(response.status));
    out.append(" ").append(reason.data(), reason.size());
    out.append("\r\nServer: rampart-agent\r\nContent-Type: ").append(response.contentType);
    out.append("\r\n").append(response.headers).append("Content-Length: ");
    appendDecimal(out, response.body.size());
    // An HTTP/1.1 connection persists unless a side says "close" (RFC 9112 §9.3).
    out.append(keepAlive ? "\r\n\r\n" : "\r\nConnection: close\r\n\r\n").append(response.body);
}

}  // namespace rampart::http
