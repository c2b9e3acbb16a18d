#include "server/AuthService.h"

#include "limits/IpAddress.h"

namespace rampart::server {
namespace {

v1::Verdict toWire(Verdict verdict) {
    switch (verdict) {
        case Verdict::Allow:
            return v1::ALLOW;
        case Verdict::InvalidToken:
            return v1::INVALID_TOKEN;
        case Verdict::Expired:
            return v1::EXPIRED;
        case Verdict::Revoked:
            return v1::REVOKED;
        case Verdict::RateLimitedIp:
            return v1::RATE_LIMITED_IP;
        case Verdict::RateLimitedUser:
            return v1::RATE_LIMITED_USER;
        case Verdict::RateLimitedGlobal:
            return v1::RATE_LIMITED_GLOBAL;
        case Verdict::Blocked:
            return v1::BLOCKED;
    }
    return v1::VERDICT_UNSPECIFIED;
}

}  // namespace

void fillResponse(const CheckResult& result, uint64_t id, v1::CheckResponse& response) {
    response.set_id(id);
    response.set_verdict(toWire(result.verdict));
    response.set_detail(result.detail.data(), result.detail.size());
    if (result.retryAfterMs) response.set_retry_after_ms(result.retryAfterMs);
    if (!result.claims) return;
    const auto& in = *result.claims;
    auto* out = response.mutable_claims();
    out->set_subject(in.subject);
    out->set_issuer(in.issuer);
    for (const auto& audience : in.audience) out->add_audience(audience);
    out->set_expires_at(in.expiresAt);
    out->set_issued_at(in.issuedAt);
    out->set_jwt_id(in.jwtId);
    out->set_scope(in.scope);
    out->set_client_id(in.clientId);
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
