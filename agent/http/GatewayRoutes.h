#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "config/AgentConfig.h"
#include "engine/CheckEngine.h"
#include "http/HttpTypes.h"
#include "jwt/KeyStore.h"

namespace rampart::http {

// The endpoints gateways and probes call:
//   /auth     nginx auth_request / Traefik ForwardAuth: 200 allow, 401 bad token, 403 (or 429)
//             limited or blocked — with X-Rampart-Verdict, and Retry-After on limits
//   /metrics  Prometheus text format
//   /healthz  the process is up
//   /readyz   a key set is loaded
class GatewayRoutes : public Handler {
public:
    GatewayRoutes(CheckEngine& engine, const jwt::KeyStore& keys, const config::HttpConfig& config,
                  std::function<std::string()> renderMetrics);

    void handle(const Request& request, Response& response) override;

private:
    void auth(const Request& request, Response& response);

    CheckEngine& engine_;
    const jwt::KeyStore& keys_;
    const config::HttpConfig& config_;
    std::function<std::string()> renderMetrics_;
};

// The token from "Authorization: Bearer <token>" (RFC 6750 §2.1; the scheme is
// case-insensitive), or empty.
std::string_view bearerToken(std::string_view authorization);

// The client's address: the socket peer, unless the peer is a trusted proxy, in which case
// X-Real-IP, or else the right-most X-Forwarded-For entry that is not itself a trusted proxy
// (entries further left were written by the client and prove nothing). A view of one of the
// request's fields, in any form limits::parseClientAddress reads. nullopt when a trusted proxy
// names something that is not an address: the request is refused (400), never judged as the
// proxy's own, which would put every client behind it in one bucket.
std::optional<std::string_view> clientAddress(const Request& request,
                                              const limits::CidrList& trustedProxies);

}  // namespace rampart::http
