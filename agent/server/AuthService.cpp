#include "server/AuthService.h"

#include "common/Utf8.h"
#include "limits/IpAddress.h"

namespace rampart::server {
namespace {

// proto3 strings must be valid UTF-8 or the gateway cannot parse the answer. Claims come from a
// token's JSON (escapes can spell lone surrogates); the check allocates nothing when, as almost
// always, the text is already valid.
std::string_view validUtf8(std::string_view text, std::string& scratch) {
    if (common::isValidUtf8(text)) return text;
    scratch = common::toValidUtf8(text);
    return scratch;
}

template <typename Set>
void setUtf8(std::string_view text, Set set) {
    std::string scratch;
    const auto valid = validUtf8(text, scratch);
    set(valid.data(), valid.size());
}

v1::Verdict toWire(Verdict verdict) {
    switch (verdict) {
        case Verdict::Allow: return v1::ALLOW;
        case Verdict::InvalidToken: return v1::INVALID_TOKEN;
        case Verdict::Expired: return v1::EXPIRED;
        case Verdict::Revoked: return v1::REVOKED;
        case Verdict::RateLimitedIp: return v1::RATE_LIMITED_IP;
        case Verdict::RateLimitedUser: return v1::RATE_LIMITED_USER;
        case Verdict::RateLimitedGlobal: return v1::RATE_LIMITED_GLOBAL;
        case Verdict::Blocked: return v1::BLOCKED;
    }
    return v1::VERDICT_UNSPECIFIED;
}

}  // namespace

void fillResponse(const CheckResult& result, uint64_t id, v1::CheckResponse& response) {
    response.set_id(id);
    response.set_verdict(toWire(result.verdict));
    setUtf8(result.detail, [&](const char* p, size_t n) { response.set_detail(p, n); });
    if (result.retryAfterMs) response.set_retry_after_ms(result.retryAfterMs);
    if (!result.claims) return;
    const auto& in = *result.claims;
    auto* out = response.mutable_claims();
    setUtf8(in.subject, [&](const char* p, size_t n) { out->set_subject(p, n); });
    setUtf8(in.issuer, [&](const char* p, size_t n) { out->set_issuer(p, n); });
    for (const auto& audience : in.audience) {
        setUtf8(audience, [&](const char* p, size_t n) { out->add_audience(p, n); });
    }
    out->set_expires_at(in.expiresAt);
    out->set_issued_at(in.issuedAt);
    setUtf8(in.jwtId, [&](const char* p, size_t n) { out->set_jwt_id(p, n); });
    setUtf8(in.scope, [&](const char* p, size_t n) { out->set_scope(p, n); });
    setUtf8(in.clientId, [&](const char* p, size_t n) { out->set_client_id(p, n); });
}

AuthService::AuthService(CheckEngine& engine, const jwt::KeyStore& keys, int maxPendingPerStream)
    : engine_(engine),
      keys_(keys),
      maxPendingPerStream_(maxPendingPerStream),
      answer_([this](const v1::CheckRequest& request, v1::CheckResponse& response) {
          const auto result =
              engine_.check({request.token(), request.client_ip(), request.route()});
          fillResponse(result, request.id(), response);
      }) {}

grpc::ServerUnaryReactor* AuthService::Check(grpc::CallbackServerContext* context,
                                             const v1::CheckRequest* request,
                                             v1::CheckResponse* response) {
    auto* reactor = context->DefaultReactor();
    // Before the first key set loads, say so with a status a gateway can fail over on, rather
    // than calling every token invalid.
    if (!keys_.current().value) {
        reactor->Finish(grpc::Status(grpc::StatusCode::UNAVAILABLE, "no key set loaded yet"));
        return reactor;
    }
    // An empty client_ip means "not known" (no per-IP limit); anything else must be an address.
    if (!request->client_ip().empty() && !limits::parseClientAddress(request->client_ip())) {
        reactor->Finish(grpc::Status(grpc::StatusCode::INVALID_ARGUMENT,
                                     "client_ip is not an IP address (forms: 1.2.3.4, 1.2.3.4:80, "
                                     "2001:db8::1, [2001:db8::1]:443)"));
        return reactor;
    }
    const auto result = engine_.check({request->token(), request->client_ip(), request->route()});
    fillResponse(result, request->id(), *response);
    reactor->Finish(grpc::Status::OK);
    return reactor;
}

grpc::ServerBidiReactor<v1::CheckRequest, v1::CheckResponse>* AuthService::CheckStream(
    grpc::CallbackServerContext* context) {
    return new CheckStreamReactor(answer_, keys_.current().value != nullptr, maxPendingPerStream_);
}

}  // namespace rampart::server
