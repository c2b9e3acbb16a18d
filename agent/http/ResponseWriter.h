#pragma once

#include <string>

#include "http/HttpTypes.h"

namespace rampart::http {

// Appends `response` to `out` as an HTTP/1.1 message: status line, Server, Content-Type, the
// route's headers, Content-Length, "Connection: close" unless kept alive, then the body.
// Writing into a buffer the connection keeps, reserved once, costs no allocation per request.
void writeResponse(const Response& response, bool keepAlive, std::string& out);

}  // namespace rampart::http
