// Beast's parser keeping only the request head the routes read.
#include <gtest/gtest.h>

#include <boost/asio/buffer.hpp>
#include <boost/beast/http/error.hpp>
#include <string>
#include <string_view>

#include "http/RequestParser.h"

namespace rampart::http {
namespace {

namespace bhttp = boost::beast::http;

// Feeds `text` to a fresh parser over `head`; the error, if any.
boost::beast::error_code parse(std::string_view text, RequestHead& head, size_t headerLimit = 8192,
                               size_t bodyLimit = 16) {
    RequestParser parser(head);
    parser.header_limit(static_cast<std::uint32_t>(headerLimit));
    parser.body_limit(bodyLimit);
    boost::beast::error_code ec;
    while (!text.empty() && !parser.is_done()) {
        const size_t used = parser.put(boost::asio::buffer(text.data(), text.size()), ec);
        if (ec == bhttp::error::need_more) return ec;
        if (ec) return ec;
        text.remove_prefix(used);
    }
    if (!parser.is_done()) return bhttp::error::need_more;
    return {};
}

TEST(RequestParser, keepsMethodTargetAndTheFieldsRoutesRead) {
    RequestHead head;
    ASSERT_FALSE(
        parse("GET /auth?x=1 HTTP/1.1\r\nHost: a\r\nAuthorization: Bearer t\r\n"
              "x-real-ip: 203.0.113.7\r\nX-FORWARDED-FOR: 198.51.100.1, 10.0.0.1\r\n"
              "X-Other: ignored\r\n\r\n",
              head));
    EXPECT_EQ(head.method, "GET");
    EXPECT_EQ(head.target, "/auth?x=1");
    EXPECT_EQ(head.authorization, "Bearer t");
    EXPECT_EQ(head.realIp, "203.0.113.7");
    EXPECT_EQ(head.forwardedFor, "198.51.100.1, 10.0.0.1");
}

TEST(RequestParser, firstOfARepeatedFieldCounts) {
    RequestHead head;
    ASSERT_FALSE(
        parse("GET /auth HTTP/1.1\r\nAuthorization: \r\nAuthorization: Bearer late\r\n"
              "X-Real-IP: 192.0.2.1\r\nX-Real-IP: 192.0.2.2\r\n\r\n",
              head));
    EXPECT_EQ(head.authorization, "");
    EXPECT_EQ(head.realIp, "192.0.2.1");
}

TEST(RequestParser, aNewRequestStartsFromAnEmptyHead) {
    RequestHead head;
    ASSERT_FALSE(
        parse("GET /auth HTTP/1.1\r\nAuthorization: Bearer t\r\nX-Real-IP: 192.0.2.1\r\n"
              "X-Forwarded-For: 192.0.2.2\r\n\r\n",
              head));
    ASSERT_FALSE(parse("GET /healthz HTTP/1.1\r\nHost: a\r\n\r\n", head));
    EXPECT_EQ(head.target, "/healthz");
    EXPECT_EQ(head.authorization, "");
    EXPECT_EQ(head.realIp, "");
    EXPECT_EQ(head.forwardedFor, "");
}

TEST(RequestParser, bodyWithinTheLimitIsDroppedAndOverItIsRefused) {
    RequestHead head;
    EXPECT_FALSE(parse("POST /auth HTTP/1.1\r\nContent-Length: 16\r\n\r\n0123456789abcdef", head));
    EXPECT_FALSE(
        parse("POST /auth HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n"
              "4\r\nabcd\r\n0\r\n\r\n",
              head));
    EXPECT_EQ(parse("POST /auth HTTP/1.1\r\nContent-Length: 17\r\n\r\n0123456789abcdefg", head),
              bhttp::error::body_limit);
    EXPECT_EQ(parse("POST /auth HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n"
                    "11\r\n0123456789abcdefg\r\n0\r\n\r\n",
                    head),
              bhttp::error::body_limit);
}

TEST(RequestParser, headerOverTheLimitIsRefused) {
    RequestHead head;
    const std::string padded =
        "GET /auth HTTP/1.1\r\nX-Padding: " + std::string(200, 'a') + "\r\n\r\n";
    EXPECT_EQ(parse(padded, head, 128), bhttp::error::header_limit);
    EXPECT_FALSE(parse(padded, head, 512));
}

TEST(RequestParser, malformedRequestLineIsAnError) {
    RequestHead head;
    EXPECT_EQ(parse("GET /auth HTTP/9.9\r\n\r\n", head), bhttp::error::bad_version);
    EXPECT_EQ(parse("GET\x01 /auth HTTP/1.1\r\n\r\n", head), bhttp::error::bad_method);
}

// RFC 9112 §6.3: Transfer-Encoding without chunked last leaves no reliable length.
TEST(RequestParser, transferEncodingNotEndingInChunkedIsRefused) {
    RequestHead head;
    EXPECT_EQ(parse("POST /auth HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: xchunked\r\n"
                    "Content-Length: 3\r\n\r\nabc",
                    head),
              bhttp::error::bad_transfer_encoding);
    EXPECT_EQ(parse("POST /auth HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\n"
                    "Transfer-Encoding: xchunked\r\n\r\nabc",
                    head),
              bhttp::error::bad_transfer_encoding);
    EXPECT_EQ(parse("POST /auth HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked, gzip\r\n"
                    "\r\n0\r\n\r\n",
                    head),
              bhttp::error::bad_transfer_encoding);
    // Both framings at once is refused by Beast itself, in either order.
    EXPECT_TRUE(
        parse("POST /auth HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n"
              "Content-Length: 3\r\n\r\n0\r\n\r\n",
              head));
    // Chunked as the final coding is the one framing accepted with a Transfer-Encoding.
    EXPECT_FALSE(
        parse("POST /auth HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: gzip, chunked\r\n"
              "\r\n3\r\nabc\r\n0\r\n\r\n",
              head));
}

}  // namespace
}  // namespace rampart::http
