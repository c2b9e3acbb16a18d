#include "http/GatewayRoutes.h"

#include <algorithm>
#include <array>
#include <charconv>
#include <optional>

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

// `value` in decimal, written into `digits`.
std::string_view decimal(uint32_t value, std::array<char, 10>& digits) {
    const auto end = std::to_chars(digits.data(), digits.data() + digits.size(), value).ptr;
    return {digits.data(), static_cast<size_t>(end - digits.data())};
}

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

std::optional<std::string_view> clientAddress(const Request& request,
                                              const limits::CidrList& trustedProxies) {
    if (trustedProxies.empty()) return request.peerAddress;  // nobody to believe: skip the parse
    const auto peer = limits::IpAddress::parse(request.peerAddress);
    if (!peer || !trustedProxies.contains(*peer)) return request.peerAddress;
    if (auto real = trim(request.realIp); !real.empty()) {
        if (!limits::parseClientAddress(real)) return std::nullopt;
        return real;
    }
    std::string_view rest = request.forwardedFor;
    while (!rest.empty()) {
        const size_t comma = rest.rfind(',');
        const auto entry = trim(comma == std::string_view::npos ? rest : rest.substr(comma + 1));
        rest = comma == std::string_view::npos ? std::string_view() : rest.substr(0, comma);
        if (entry.empty()) continue;  // RFC 9110 §5.6.1: empty list elements do not count
        const auto address = limits::parseClientAddress(entry);
        if (!address) return std::nullopt;
        if (!trustedProxies.contains(*address)) return entry;
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
        response.addHeader("Retry-After", "1");
        response.body = "no key set loaded\n";
        return;
    }
    const auto client = clientAddress(request, config_.trustedProxies);
    if (!client) {
        response.status = 400;
        response.body = "X-Real-IP or X-Forwarded-For from a trusted proxy is not an IP address\n";
        return;
    }
    const auto token = bearerToken(request.authorization);
    const auto result = engine_.check({token, *client, {}});
    response.addHeader("X-Rampart-Verdict", verdictName(result.verdict));
    switch (result.verdict) {
        case Verdict::Allow: {
            response.status = 200;
            const auto& claims = *result.claims;
            if (safeHeaderValue(claims.subject))
                response.addHeader("X-Auth-Subject", claims.subject);
            if (safeHeaderValue(claims.scope)) response.addHeader("X-Auth-Scope", claims.scope);
            if (safeHeaderValue(claims.clientId)) {
                response.addHeader("X-Auth-Client-Id", claims.clientId);
            }
            return;
        }
        case Verdict::InvalidToken:
        case Verdict::Expired:
        case Verdict::Revoked:
            response.status = 401;
            // RFC 6750 §3: no error code when the request carried no token at all.
            if (token.empty()) {
                response.addHeader("WWW-Authenticate", "Bearer realm=\"rampart\"");
            } else {
                // The detail is a fixed phrase of ours, never text from the token.
                response.addHeader("WWW-Authenticate",
                                   "Bearer realm=\"rampart\", error=\"invalid_token\", "
                                   "error_description=\"" +
                                       std::string(result.detail) + "\"");
            }
            response.body = "unauthorized\n";
            return;
        case Verdict::RateLimitedIp:
        case Verdict::RateLimitedUser:
        case Verdict::RateLimitedGlobal: {
            response.status = config_.rateLimitedStatus;
            // Whole seconds, rounded up (RFC 9110 §10.2.3).
            std::array<char, 10> digits;
            response.addHeader(
                "Retry-After",
                decimal(std::max<uint32_t>(1, (result.retryAfterMs + 999) / 1000), digits));
            response.body = "rate limited\n";
            return;
        }
        case Verdict::Blocked:
            response.status = 403;
            response.body = "blocked\n";
            return;
    }
}

}  // namespace rampart::http
