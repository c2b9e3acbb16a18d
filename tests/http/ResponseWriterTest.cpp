// A route's Response as HTTP/1.1 bytes.
#include <gtest/gtest.h>

#include <string>

#include "http/ResponseWriter.h"

namespace rampart::http {
namespace {

TEST(ResponseWriter, keptAliveResponseCarriesItsHeadersLengthAndBody) {
    Response response;
    response.status = 401;
    response.addHeader("X-Rampart-Verdict", "INVALID_TOKEN");
    response.addHeader("WWW-Authenticate", "Bearer realm=\"rampart\"");
    response.body = "unauthorized\n";
    std::string out;
    writeResponse(response, true, out);
    EXPECT_EQ(out,
              "HTTP/1.1 401 Unauthorized\r\n"
              "Server: rampart-agent\r\n"
              "Content-Type: text/plain; charset=utf-8\r\n"
              "X-Rampart-Verdict: INVALID_TOKEN\r\n"
              "WWW-Authenticate: Bearer realm=\"rampart\"\r\n"
              "Content-Length: 13\r\n"
              "\r\n"
              "unauthorized\n");
}

TEST(ResponseWriter, closingResponseSaysSoAndAnEmptyBodyHasLengthZero) {
    Response response;
    response.status = 429;
    response.contentType = "text/plain; version=0.0.4; charset=utf-8";
    std::string out = "left from before|";
    writeResponse(response, false, out);
    EXPECT_EQ(out,
              "left from before|"
              "HTTP/1.1 429 Too Many Requests\r\n"
              "Server: rampart-agent\r\n"
              "Content-Type: text/plain; version=0.0.4; charset=utf-8\r\n"
              "Content-Length: 0\r\n"
              "Connection: close\r\n"
              "\r\n");
}

TEST(ResponseWriter, resetGivesAFresh200) {
    Response response;
    response.status = 503;
    response.contentType = "application/json";
    response.addHeader("Retry-After", "1");
    response.body = "x";
    response.reset();
    std::string out;
    writeResponse(response, true, out);
    EXPECT_EQ(out,
              "HTTP/1.1 200 OK\r\nServer: rampart-agent\r\nContent-Type: text/plain; "
              "charset=utf-8\r\nContent-Length: 0\r\n\r\n");
}

}  // namespace
}  // namespace rampart::http
