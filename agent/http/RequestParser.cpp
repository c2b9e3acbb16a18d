#include "http/RequestParser.h"

#include <boost/beast/core/string.hpp>
#include <boost/beast/http/error.hpp>

namespace rampart::http {

namespace {

// Copies rather than keeps a view: Beast's views are valid only during the call.
void keepFirst(bool& seen, std::string& into, boost::beast::string_view value) {
    if (seen) return;
    seen = true;
    into.assign(value.data(), value.size());
}

}  // namespace

RequestParser::RequestParser(RequestHead& head) : head_(head) {
    head_.method.clear();
    head_.target.clear();
    head_.authorization.clear();
    head_.realIp.clear();
    head_.forwardedFor.clear();
}

void RequestParser::on_request_impl(boost::beast::http::verb, string_view methodText,
                                    string_view target, int, error_code&) {
    head_.method.assign(methodText.data(), methodText.size());
    head_.target.assign(target.data(), target.size());
}

void RequestParser::on_field_impl(field name, string_view nameText, string_view value,
                                  error_code&) {
    namespace beast = boost::beast;
    if (name == field::transfer_encoding) seenTransferEncoding_ = true;
    if (name == field::authorization)
        return keepFirst(seenAuthorization_, head_.authorization, value);
    if (name != field::unknown) return;  // neither X- field below has an enumerator in Beast
    // Field names are case-insensitive (RFC 9110 §5.1).
    if (beast::iequals(nameText, "X-Real-IP")) return keepFirst(seenRealIp_, head_.realIp, value);
    if (beast::iequals(nameText, "X-Forwarded-For")) {
        return keepFirst(seenForwardedFor_, head_.forwardedFor, value);
    }
}

// RFC 9112 §6.3: a request whose Transfer-Encoding does not end in chunked has no length a
// server can rely on ("xchunked" beside a Content-Length is the smuggling classic); answer 400.
// Beast only treats the chunked case and would otherwise read such a body by Content-Length.
void RequestParser::on_header_impl(error_code& ec) {
    if (seenTransferEncoding_ && !chunked()) ec = boost::beast::http::error::bad_transfer_encoding;
}

}  // namespace rampart::http
