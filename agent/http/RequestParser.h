#pragma once

#include <boost/beast/http/basic_parser.hpp>
#include <string>

namespace rampart::http {

// The parts of a request head the routes read. A connection keeps one and reuses its buffers
// from one request to the next.
struct RequestHead {
    std::string method;
    std::string target;
    std::string authorization;
    std::string realIp;        // X-Real-IP
    std::string forwardedFor;  // X-Forwarded-For
};

// Beast's HTTP/1.1 request parser, keeping only what RequestHead holds. Beast's own
// request_parser puts every header field in a heap node of its own, for every request, which
// was a measurable share of a /auth request. No route takes a body: one is read (within the body
// limit) and dropped. Where a field is repeated, the first one counts.
//
// A parser reads one message; construct a new one (it is cheap) for the next.
class RequestParser : public boost::beast::http::basic_parser<true> {
public:
    // Clears `head` and fills it in as the request arrives; `head` must outlive the parser.
    explicit RequestParser(RequestHead& head);

private:
    using string_view = boost::beast::string_view;
    using error_code = boost::beast::error_code;
    using field = boost::beast::http::field;

    void on_request_impl(boost::beast::http::verb method, string_view methodText,
                         string_view target, int version, error_code& ec) override;
    void on_response_impl(int, string_view, int, error_code&) override {}  // requests only
    void on_field_impl(field name, string_view nameText, string_view value,
                       error_code& ec) override;
    void on_header_impl(error_code& ec) override;
    void on_body_init_impl(const boost::optional<std::uint64_t>&, error_code&) override {}
    std::size_t on_body_impl(string_view body, error_code&) override { return body.size(); }
    void on_chunk_header_impl(std::uint64_t, string_view, error_code&) override {}
    std::size_t on_chunk_body_impl(std::uint64_t, string_view body, error_code&) override {
        return body.size();
    }
    void on_finish_impl(error_code&) override {}

    RequestHead& head_;
    bool seenAuthorization_ = false;
    bool seenRealIp_ = false;
    bool seenForwardedFor_ = false;
    bool seenTransferEncoding_ = false;
};

}  // namespace rampart::http
