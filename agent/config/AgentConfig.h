#pragma once

#include <chrono>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "engine/CheckEngine.h"
#include "jwt/JwksParser.h"
#include "scaling/ScalingConfig.h"

namespace rampart::config {

using std::chrono::milliseconds;

// Where the key set comes from. Exactly one of file and url is set.
struct KeySourceConfig {
    std::string file;  // a JWKS file, watched for changes and re-read on SIGHUP
    std::string url;   // an https:// JWKS URL, fetched periodically
    std::string caFile;  // CA bundle for the URL; empty: the system's
    milliseconds refreshInterval{std::chrono::minutes(5)};  // URL refresh period
    milliseconds watchInterval{std::chrono::seconds(1)};    // file change polling period
    milliseconds fetchTimeout{std::chrono::seconds(5)};
    jwt::AlgorithmBindings algorithms;
};

// Bounds that keep a misbehaving client from taking the agent down.
struct ServerLimits {
    size_t maxMessageBytes = 64 * 1024;
    int maxConcurrentStreams = 256;  // per connection
    int maxPendingPerStream = 64;    // checks read but not yet answered on one stream
    milliseconds keepaliveTime{std::chrono::seconds(30)};
    milliseconds keepaliveTimeout{std::chrono::seconds(10)};
    milliseconds minClientPingInterval{std::chrono::seconds(10)};
    milliseconds maxConnectionIdle{std::chrono::minutes(5)};
    milliseconds shutdownGrace{std::chrono::seconds(10)};
};

// The HTTP endpoint for gateways (nginx auth_request, Traefik ForwardAuth), /metrics and probes.
struct HttpConfig {
    std::string listen;  // host:port; empty: no HTTP endpoint
    int threads = 2;
    // Only these peers may name the client with X-Real-IP / X-Forwarded-For.
    limits::CidrList trustedProxies;
    // nginx auth_request understands only 2xx, 401 and 403, so rate-limit denials are 403 and the
    // nginx config turns them into 429; callers that pass the status through may want 429.
    int rateLimitedStatus = 403;
    size_t maxHeaderBytes = 16 * 1024;
    milliseconds readTimeout{std::chrono::seconds(10)};
    milliseconds idleTimeout{std::chrono::seconds(60)};
    int maxConnections = 10'000;
};

// The operator API (rampart.v1.Control) on its own port, over mutual TLS.
struct ControlConfig {
    std::string listen;  // host:port; empty: no control plane
    std::string certFile;
    std::string keyFile;
    std::string clientCaFile;  // client certificates must chain to this CA
    std::vector<std::string> operators;  // certificate identities (CN or SAN) with each role
    std::vector<std::string> viewers;
    std::string stateDir = "/var/lib/rampart";  // state.json (limits, blocks, revocations), audit.log
    limits::LimitRule callRate{20, 40, false};  // control calls per identity
};

struct AgentConfig {
    std::string nodeId;  // defaults to the host name
    std::string grpcListen = "127.0.0.1:7400";
    ServerLimits server;
    KeySourceConfig keys;
    CheckEngineOptions engine;  // includes the limits
    HttpConfig http;
    ControlConfig control;
    scaling::ScalingConfig scaling;
    std::string logLevel = "info";
    std::string logFormat = "text";  // text or json

    // Not from the file: where it was read from (local workers are started with the same file),
    // and, for a local worker, the supervising agent's state file to follow.
    std::string sourcePath;
    std::string followStateFile;
};

// Parses and validates. Errors name the field: `jwt.leeway: expected a duration such as "30s"`.
// Relative paths are resolved against `baseDir`.
absl::StatusOr<AgentConfig> parseConfig(std::string_view yaml, const std::string& baseDir = ".");
absl::StatusOr<AgentConfig> loadConfigFile(const std::string& path);

}  // namespace rampart::config
