#pragma once

#include <cstdint>
#include <string>
#include <vector>

// Plain structs the console's network layer hands to its models and widgets: no gRPC, no Qt, so
// models and UI can be built and tested without either.
namespace rampart::fleet {

enum class ConnectionState { Connecting, Up, Down };

struct VerdictCounts {
    uint64_t allow = 0;
    uint64_t invalidToken = 0;
    uint64_t expired = 0;
    uint64_t revoked = 0;
    uint64_t rateLimitedIp = 0;
    uint64_t rateLimitedUser = 0;
    uint64_t rateLimitedGlobal = 0;
    uint64_t blocked = 0;

    uint64_t denied() const {
        return invalidToken + expired + revoked + rateLimitedIp + rateLimitedUser +
               rateLimitedGlobal + blocked;
    }
    uint64_t total() const { return allow + denied(); }
};

struct Offender {
    std::string key;  // client IP or subject
    uint64_t denials = 0;
};

// One Watch snapshot from one node.
struct Snapshot {
    uint64_t sequence = 0;
    int64_t timeUnixMs = 0;
    uint32_t intervalMs = 0;
    VerdictCounts interval;  // since this watcher's previous snapshot
    VerdictCounts total;     // since the node started
    double p50Us = 0, p90Us = 0, p95Us = 0, p99Us = 0, p999Us = 0;
    double processCpuPercent = 0;  // of one core
    double hostCpuPercent = 0;     // of all cores
    uint64_t rssBytes = 0;
    double cacheHitRatio = 0;
    uint64_t limiterKeys = 0;
    uint64_t limitsRevision = 0;
    std::vector<Offender> topClientIps;
    std::vector<Offender> topSubjects;
    uint32_t scaleCurrent = 0;
    uint32_t scaleRecommended = 0;
    uint32_t cores = 0;

    double requestsPerSecond() const {
        return intervalMs ? interval.total() * 1000.0 / intervalMs : 0;
    }
};

struct LimitRule {
    double rate = 0;  // per second; 0 = off
    double burst = 0;
    bool shadow = false;
    bool operator==(const LimitRule&) const = default;
};

struct Limits {
    LimitRule perIp;
    LimitRule perSubject;
    LimitRule global;
    uint32_t ipv6Prefix = 64;
    std::vector<std::string> blocklist;  // from the node's configuration; kept as is on update
    std::vector<std::string> allowlist;
    uint64_t revision = 0;
};

struct ScaleStatus {
    std::string backend = "none";
    uint32_t current = 0;
    uint32_t desired = 0;
    uint32_t recommended = 0;
    double observedCpuPercent = 0;
    double targetCpuPercent = 0;
    std::string lastResult;
};

struct NodeInfo {
    std::string nodeId;
    std::string hostname;
    std::string version;
    int64_t startTimeUnix = 0;
    std::string callerIdentity;
    std::string callerRole;  // "viewer" or "operator"
    std::vector<std::string> keys;  // "kid:ALG"
    ScaleStatus scale;
};

// The outcome of an operator action on one node.
struct ActionResult {
    bool ok = false;
    std::string code;     // gRPC status name, e.g. "FAILED_PRECONDITION"
    std::string message;  // the node's explanation
};

enum class BlockKind { Client, Subject };

}  // namespace rampart::fleet
