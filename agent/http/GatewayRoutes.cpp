#include "http/GatewayRoutes.h"

#include <algorithm>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"

namespace rampart::http {
namespace {

std::string_view trim(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
    return s;
}

// A claim is echoed in a response header only if it cannot break the header (RFC 9110 §5.5).
bool safeHeaderValue(std::string_view value) {
    return !value.empty() && value.size() <= 1024 &&
           std::none_of(value.begin(), value.end(), [](char c) {
               const auto u = static_cast<unsigned char>(c);
               return (u < 0x20 && c != '\t') || u == 0x7f;
           });
}

std::string_view path(std::string_view target) { return target.substr(0, target.find('?')); }

}  // namespace

std::string_view bearerToken(std::string_view authorization) {
    authorization = trim(authorization);
    constexpr std::string_view kScheme = "bearer ";
    if (authorization.size() <= kScheme.size() ||
        !absl::EqualsIgnoreCase(absl::string_view(authorization.data(), kScheme.size()),
                                absl::string_view(kScheme.data(), kScheme.size()))) {
        return {};
    }
    return trim(authorization.substr(kScheme.size()));
}

std::string clientAddress(const Request& request, const limits::CidrList& trustedProxies) {
    const auto peer = limits::IpAddress::parse(request.peerAddress);
    if (!peer || !trustedProxies.contains(*peer)) return request.peerAddress;
    if (auto real = trim(request.realIp); !real.empty() && limits::IpAddress::parse(real)) {
        return std::string(real);
    }
    std::string_view rest = request.forwardedFor;
    while (!rest.empty()) {
        const size_t comma = rest.rfind(',');
        const auto entry = trim(comma == std::string_view::npos ? rest : rest.substr(comma + 1));
        rest = comma == std::string_view::npos ? std::string_view() : rest.substr(0, comma);
        const auto address = limits::IpAddress::parse(entry);
        if (!address) break;  // garbage: stop trusting the header at this point
        if (!trustedProxies.contains(*address)) return std::string(entry);
    }
    return request.peerAddress;
}

GatewayRoutes::GatewayRoutes(CheckEngine& engine, const jwt::KeyStore& keys,
                             const config::HttpConfig& config,
                             std::function<std::string()> renderMetrics)
    : engine_(engine), keys_(keys), config_(config), renderMetrics_(std::move(renderMetrics)) {}

void GatewayRoutes::handle(const Request& request, Response& response) {
    const auto p = path(request.target);
    if (p == "/auth") return auth(request, response);
    if (p == "/metrics") {
        response.contentType = "text/plain; version=0.0.4; charset=utf-8";
        response.body = renderMetrics_();
        return;
    }
    if (p == "/healthz") {
        response.body = "ok\n";
        return;
    }
    if (p == "/readyz") {
        const bool ready = keys_.ready();
        response.status = ready ? 200 : 503;
        response.body = ready ? "ready\n" : "no key set loaded\n";
        return;
    }
    response.status = 404;
    response.body = "not found\n";
}

void GatewayRoutes::auth(const Request& request, Response& response) {
    if (!keys_.ready()) {
        // 503, not 401: the gateway should fail over, not tell the user their token is bad.
        response.status = 503;
        response.headers.emplace_back("Retry-After", "1");
        response.body = "no key set loaded\n";
        return;
    }
    const std::string client = clientAddress(request, config_.trustedProxies);
    const auto token = bearerToken(request.authorization);
    const auto result = engine_.check({token, client, {}});
    response.headers.emplace_back("X-Rampart-Verdict", std::string(verdictName(result.verdict)));
    switch (result.verdict) {
        case Verdict::Allow: {
            response.status = 200;
            const auto& claims = *result.claims;
            if (safeHeaderValue(claims.subject)) {
                response.headers.emplace_back("X-Auth-Subject", claims.subject);
            }
            if (safeHeaderValue(claims.scope)) response.headers.emplace_back("X-Auth-Scope", claims.scope);
            if (safeHeaderValue(claims.clientId)) {
                response.headers.emplace_back("X-Auth-Client-Id", claims.clientId);
            }
            return;
        }
        case Verdict::InvalidToken:
        case Verdict::Expired:
        case Verdict::Revoked:
            response.status = 401;
            // RFC 6750 §3: no error code when the request carried no token at all.
            response.headers.emplace_back(
                "WWW-Authenticate",
                token.empty() ? std::string("Bearer realm=\"rampart\"")
                              : "Bearer realm=\"rampart\", error=\"invalid_token\", "
                                "error_description=\"" +
                                    std::string(result.detail) + "\"");
            response.body = "unauthorized\n";
            return;
        case Verdict::RateLimitedIp:
        case Verdict::RateLimitedUser:
        case Verdict::RateLimitedGlobal:
            response.status = config_.rateLimitedStatus;
            // Whole seconds, rounded up (RFC 9110 §10.2.3).
            response.headers.emplace_back(
                "Retry-After", std::to_string(std::max<uint32_t>(1, (result.retryAfterMs + 999) / 1000)));
            response.body = "rate limited\n";
            return;
        case Verdict::Blocked:
            response.status = 403;
            response.body = "blocked\n";
            return;
    }
}

}  // namespace rampart::http
