#include "config/AgentConfig.h"

#include <unistd.h>
#include <yaml-cpp/yaml.h>

#include <filesystem>
#include <fstream>
#include <limits>
#include <set>
#include <sstream>
#include <stdexcept>

#include "common/CredentialFile.h"
#include "config/Duration.h"
#include "limits/LimitBounds.h"

namespace rampart::config {
namespace {

// Thrown inside this file only; parseConfig turns it into a Status naming the field.
struct ConfigError : std::runtime_error {
    using std::runtime_error::runtime_error;
};

// A mapping in the YAML file. Every getter records its key, so finish() can refuse keys nobody
// asked for: a misspelt option must not be silently ignored.
class Section {
public:
    Section(YAML::Node node, std::string path) : node_(std::move(node)), path_(std::move(path)) {
        if (node_ && !node_.IsNull() && !node_.IsMap()) fail("", "expected a mapping");
    }

    bool empty() const { return !node_ || node_.IsNull() || (node_.IsMap() && node_.size() == 0); }

    bool has(const char* key) {
        known_.insert(key);
        return node_ && node_.IsMap() && node_[key] && !node_[key].IsNull();
    }

    void text(const char* key, std::string& out) {
        if (!has(key)) return;
        out = scalar(key);
    }

    void duration(const char* key, milliseconds& out) {
        if (!has(key)) return;
        auto value = parseDuration(scalar(key));
        if (!value) fail(key, "expected a duration such as \"30s\", \"500ms\" or \"5m\"");
        out = *value;
    }

    template <typename T>
    void integer(const char* key, T& out, int64_t min, int64_t max) {
        if (!has(key)) return;
        int64_t value = 0;
        try {
            value = node_[key].as<int64_t>();
        } catch (const YAML::Exception&) {
            fail(key, "expected an integer");
        }
        if (value < min || value > max) {
            fail(key, "must be between " + std::to_string(min) + " and " + std::to_string(max));
        }
        out = static_cast<T>(value);
    }

    void boolean(const char* key, bool& out) {
        if (!has(key)) return;
        try {
            out = node_[key].as<bool>();
        } catch (const YAML::Exception&) {
            fail(key, "expected true or false");
        }
    }

    void textList(const char* key, std::vector<std::string>& out) {
        if (!has(key)) return;
        const auto list = node_[key];
        if (!list.IsSequence()) fail(key, "expected a list");
        out.clear();
        for (const auto& item : list) {
            if (!item.IsScalar() || item.Scalar().empty()) fail(key, "expected non-empty strings");
            out.push_back(item.Scalar());
        }
    }

    Section child(const char* key) {
        known_.insert(key);
        return Section(node_ && node_.IsMap() ? node_[key] : YAML::Node(), where(key));
    }

    YAML::Node raw(const char* key) {
        known_.insert(key);
        return node_ && node_.IsMap() ? node_[key] : YAML::Node();
    }

    void finish() const {
        if (!node_ || !node_.IsMap()) return;
        for (const auto& entry : node_) {
            const auto key = entry.first.as<std::string>();
            if (!known_.contains(key)) fail(key, "unknown option");
        }
    }

    [[noreturn]] void fail(const std::string& key, const std::string& why) const {
        throw ConfigError(where(key) + ": " + why);
    }
    std::string where(const std::string& key) const {
        if (key.empty()) return path_.empty() ? "(top level)" : path_;
        return path_.empty() ? key : path_ + "." + key;
    }

private:
    std::string scalar(const char* key) {
        const auto value = node_[key];
        if (!value.IsScalar()) fail(key, "expected a single value");
        return value.Scalar();
    }

    YAML::Node node_;
    std::string path_;
    std::set<std::string> known_;
};

std::string hostName() {
    char name[256] = {};
    if (gethostname(name, sizeof name - 1) != 0) return "rampart-agent";
    return name;
}

std::string resolve(const std::string& path, const std::string& baseDir) {
    if (path.empty() || std::filesystem::path(path).is_absolute()) return path;
    return (std::filesystem::path(baseDir) / path).lexically_normal().string();
}

void readKeys(Section keys, KeySourceConfig& out, const std::string& baseDir) {
    keys.text("file", out.file);
    keys.text("url", out.url);
    keys.text("ca_file", out.caFile);
    keys.duration("refresh_interval", out.refreshInterval);
    keys.duration("watch_interval", out.watchInterval);
    keys.duration("fetch_timeout", out.fetchTimeout);
    if (keys.has("algorithms")) {
        const auto map = keys.raw("algorithms");
        if (!map.IsMap()) keys.fail("algorithms", "expected a mapping of kid (or kty:TYPE) to alg");
        for (const auto& entry : map) {
            const auto name = entry.first.as<std::string>();
            const auto alg =
                jwt::parseAlgorithm(entry.second.IsScalar() ? entry.second.Scalar() : "");
            if (!alg) keys.fail("algorithms." + name, "unknown algorithm");
            out.algorithms[name] = *alg;
        }
    }
    keys.finish();

    if (out.file.empty() == out.url.empty()) {
        keys.fail("", "set exactly one of file or url");
    }
    // RFC 8725 §3.10 spirit: keys fetched in clear could be replaced by anyone on the path.
    if (!out.url.empty() && out.url.rfind("https://", 0) != 0) {
        keys.fail("url", "must be an https:// URL");
    }
    if (out.watchInterval < milliseconds(100))
        keys.fail("watch_interval", "must be at least 100ms");
    if (out.refreshInterval < std::chrono::seconds(1)) {
        keys.fail("refresh_interval", "must be at least 1s");
    }
    if (out.fetchTimeout < milliseconds(100)) keys.fail("fetch_timeout", "must be at least 100ms");
    out.file = resolve(out.file, baseDir);
    out.caFile = resolve(out.caFile, baseDir);
}

void readJwt(Section jwt, AgentConfig& out, const std::string& baseDir) {
    auto& verifier = out.engine.verifier;
    readKeys(jwt.child("keys"), out.keys, baseDir);
    jwt.textList("issuers", verifier.issuers);
    jwt.textList("audiences", verifier.audiences);
    milliseconds leeway{verifier.leewaySeconds * 1000};
    jwt.duration("leeway", leeway);
    if (leeway > std::chrono::minutes(10)) jwt.fail("leeway", "must be at most 10m");
    verifier.leewaySeconds = std::chrono::duration_cast<std::chrono::seconds>(leeway).count();
    jwt.boolean("require_exp", verifier.requireExp);
    jwt.integer("max_token_bytes", verifier.maxTokenBytes, 256, 1 << 20);

    auto cache = jwt.child("cache");
    cache.integer("entries", out.engine.cacheEntries, 0, 50'000'000);
    milliseconds ttl{out.engine.cacheMaxTtlSeconds * 1000};
    cache.duration("max_ttl", ttl);
    out.engine.cacheMaxTtlSeconds = std::chrono::duration_cast<std::chrono::seconds>(ttl).count();
    cache.finish();
    jwt.finish();
}

limits::CidrList readCidrs(Section& section, const char* key, size_t maxEntries) {
    std::vector<std::string> texts;
    section.textList(key, texts);
    if (texts.size() > maxEntries) {
        section.fail(key, "at most " + std::to_string(maxEntries) + " entries");
    }
    std::vector<limits::Cidr> blocks;
    for (const auto& text : texts) {
        auto cidr = limits::Cidr::parse(text);
        if (!cidr) section.fail(key, "\"" + text + "\" is not an IP address or CIDR block");
        blocks.push_back(*cidr);
    }
    return limits::CidrList(std::move(blocks));
}

void readRule(Section rule, limits::LimitRule& out) {
    double rate = out.rate, burst = -1;
    if (rule.has("rate")) {
        try {
            rate = rule.raw("rate").as<double>();
        } catch (const YAML::Exception&) {
            rule.fail("rate", "expected a number of requests per second");
        }
    }
    if (rule.has("burst")) {
        try {
            burst = rule.raw("burst").as<double>();
        } catch (const YAML::Exception&) {
            rule.fail("burst", "expected a number of requests");
        }
    }
    rule.boolean("shadow", out.shadow);
    rule.finish();
    out.rate = rate;
    // Without a burst, allow one second's worth at once (at least one request).
    out.burst = burst == -1 ? std::clamp(rate, 1.0, limits::kMaxBurst) : burst;
    if (auto valid = limits::checkLimitRule(out); !valid.ok()) {
        // The message starts with the field it is about: "rate ...", "burst ...".
        const std::string why(valid.message());
        const size_t space = why.find(' ');
        rule.fail(why.substr(0, space), why.substr(space + 1));
    }
}

void readFleetLimit(Section fleet, std::optional<limits::FleetLimitConfig>& out,
                    const std::string& baseDir) {
    if (fleet.empty()) return;
    if (!fleet.has("redis"))
        fleet.fail("redis", "required: the Redis server that holds the fleet's limit");
    limits::FleetLimitConfig config;
    fleet.text("redis", config.redis.address);
    if (auto valid = limits::validateRedisAddress(config.redis.address); !valid.ok()) {
        fleet.fail("redis", std::string(valid.message()));
    }
    std::string passwordFile;
    fleet.text("password_file", passwordFile);
    if (!passwordFile.empty()) {
        // In a file of its own, so the config can be shared and logged.
        auto password = readCredentialFile(resolve(passwordFile, baseDir), "Redis password file");
        if (!password.ok()) fleet.fail("password_file", std::string(password.status().message()));
        config.redis.password = std::move(*password);
    }
    fleet.text("key", config.key);
    if (config.key.empty() || config.key.size() > 256)
        fleet.fail("key", "expected 1 to 256 characters");
    fleet.duration("timeout", config.redis.timeout);
    fleet.duration("lease", config.lease);
    fleet.duration("retry_after_failure", config.retryAfterFailure);
    fleet.finish();
    using std::chrono::milliseconds;
    // A Redis call may hold a request's thread this long: more would stall the threads' other work.
    if (config.redis.timeout < milliseconds(1) || config.redis.timeout > milliseconds(1000)) {
        fleet.fail("timeout", "must be between 1ms and 1s");
    }
    if (config.lease > milliseconds(1000)) fleet.fail("lease", "must be at most 1s");
    if (config.retryAfterFailure < milliseconds(10) ||
        config.retryAfterFailure > milliseconds(60'000)) {
        fleet.fail("retry_after_failure", "must be between 10ms and 1m");
    }
    out = std::move(config);
}

void readLimits(Section section, CheckEngineOptions& out, const std::string& baseDir) {
    auto& limits = out.limits;
    readRule(section.child("per_ip"), limits.perIp);
    readRule(section.child("per_subject"), limits.perSubject);
    readRule(section.child("global"), limits.global);
    section.integer("ipv6_prefix", limits.ipv6PrefixBits, 16, 128);
    section.integer("max_keys", out.maxLimiterKeys, 1024, 100'000'000);
    limits.blocklist = readCidrs(section, "blocklist", 10'000);
    limits.allowlist = readCidrs(section, "allowlist", 10'000);
    readFleetLimit(section.child("fleet"), out.fleetLimit, baseDir);
    section.finish();
}

void readHttp(Section http, HttpConfig& out) {
    http.text("listen", out.listen);
    http.integer("threads", out.threads, 1, 256);
    out.trustedProxies = readCidrs(http, "trusted_proxies", 1000);
    http.integer("rate_limited_status", out.rateLimitedStatus, 400, 599);
    http.integer("max_header_bytes", out.maxHeaderBytes, 1024, 1 << 20);
    http.duration("read_timeout", out.readTimeout);
    http.duration("idle_timeout", out.idleTimeout);
    http.integer("max_connections", out.maxConnections, 1, 1'000'000);
    http.finish();
    if (!out.listen.empty() && out.listen.find(':') == std::string::npos) {
        http.fail("listen", "expected host:port, for example 127.0.0.1:7401");
    }
    if (out.rateLimitedStatus != 403 && out.rateLimitedStatus != 429) {
        http.fail("rate_limited_status", "expected 403 (nginx auth_request) or 429");
    }
}

void readControl(Section control, ControlConfig& out, const std::string& baseDir) {
    control.text("listen", out.listen);
    control.text("cert_file", out.certFile);
    control.text("key_file", out.keyFile);
    control.text("client_ca_file", out.clientCaFile);
    control.textList("operators", out.operators);
    control.textList("viewers", out.viewers);
    control.text("state_dir", out.stateDir);
    readRule(control.child("call_rate"), out.callRate);
    control.finish();
    if (out.listen.empty()) return;
    if (out.listen.find(':') == std::string::npos) {
        control.fail("listen", "expected host:port, for example 127.0.0.1:7402");
    }
    // The control plane is never served without mutual TLS.
    for (auto [key, value] :
         {std::pair{"cert_file", &out.certFile}, std::pair{"key_file", &out.keyFile},
          std::pair{"client_ca_file", &out.clientCaFile}}) {
        if (value->empty()) control.fail(key, "required when control.listen is set (mutual TLS)");
        *value = resolve(*value, baseDir);
    }
    if (out.operators.empty() && out.viewers.empty()) {
        control.fail("operators", "name at least one certificate identity (operators or viewers)");
    }
    out.stateDir = resolve(out.stateDir, baseDir);
}

void readScaling(Section section, scaling::ScalingConfig& out, const std::string& baseDir) {
    section.text("backend", out.backend);
    section.integer("min_replicas", out.minReplicas, 0, 10'000);
    section.integer("max_replicas", out.maxReplicas, 1, 10'000);
    if (section.has("target_cpu_percent")) {
        try {
            out.targetCpuPercent = section.raw("target_cpu_percent").as<double>();
        } catch (const YAML::Exception&) {
            section.fail("target_cpu_percent", "expected a number");
        }
        if (!(out.targetCpuPercent > 0 && out.targetCpuPercent <= 100)) {
            section.fail("target_cpu_percent", "must be above 0 and at most 100");
        }
    }
    auto command = section.child("command");
    command.text("path", out.command.path);
    command.textList("args", out.command.args);
    command.duration("timeout", out.command.timeout);
    command.text("current_path", out.command.currentPath);
    command.finish();
    auto k8s = section.child("kubernetes");
    k8s.text("api_server", out.kubernetes.apiServer);
    k8s.text("namespace", out.kubernetes.namespaceName);
    k8s.text("deployment", out.kubernetes.deployment);
    k8s.text("token_file", out.kubernetes.tokenFile);
    k8s.text("ca_file", out.kubernetes.caFile);
    k8s.text("namespace_file", out.kubernetes.namespaceFile);
    k8s.duration("timeout", out.kubernetes.timeout);
    k8s.finish();
    auto local = section.child("local");
    local.integer("initial_workers", out.local.initialWorkers, 1, 256);
    local.duration("drain_grace", out.local.drainGrace);
    local.finish();
    section.finish();

    static const std::set<std::string> kBackends{"none", "local", "command", "kubernetes"};
    if (!kBackends.contains(out.backend)) {
        section.fail("backend", "expected none, local, command or kubernetes");
    }
    if (out.minReplicas > out.maxReplicas)
        section.fail("min_replicas", "must not exceed max_replicas");
    if (out.backend == "command") {
        if (out.command.path.empty())
            section.fail("command.path", "required for the command backend");
        out.command.path = resolve(out.command.path, baseDir);
        out.command.currentPath = resolve(out.command.currentPath, baseDir);
    }
    if (out.backend == "kubernetes") {
        if (out.kubernetes.deployment.empty()) {
            section.fail("kubernetes.deployment", "required for the kubernetes backend");
        }
        if (out.kubernetes.apiServer.rfind("https://", 0) != 0) {
            section.fail("kubernetes.api_server", "must be an https:// URL");
        }
    }
}

void readServer(Section server, ServerLimits& out) {
    server.integer("max_message_bytes", out.maxMessageBytes, 1024, 16 << 20);
    server.integer("max_concurrent_streams", out.maxConcurrentStreams, 1, 100'000);
    server.integer("max_pending_per_stream", out.maxPendingPerStream, 1, 10'000);
    server.duration("keepalive_time", out.keepaliveTime);
    server.duration("keepalive_timeout", out.keepaliveTimeout);
    server.duration("min_client_ping_interval", out.minClientPingInterval);
    server.duration("max_connection_idle", out.maxConnectionIdle);
    server.duration("shutdown_grace", out.shutdownGrace);
    server.finish();
}

AgentConfig parse(const YAML::Node& root, const std::string& baseDir) {
    Section top(root, "");
    if (!root || !root.IsMap()) top.fail("", "the configuration must be a YAML mapping");
    AgentConfig config;
    top.text("node_id", config.nodeId);
    if (config.nodeId.empty()) config.nodeId = hostName();

    auto listen = top.child("listen");
    listen.text("grpc", config.grpcListen);
    listen.finish();
    if (config.grpcListen.find(':') == std::string::npos) {
        listen.fail("grpc", "expected host:port, for example 127.0.0.1:7400");
    }

    readServer(top.child("server"), config.server);
    if (!top.has("jwt")) top.fail("jwt", "required (at least jwt.keys.file or jwt.keys.url)");
    readJwt(top.child("jwt"), config, baseDir);

    readLimits(top.child("limits"), config.engine, baseDir);
    readHttp(top.child("http"), config.http);
    readControl(top.child("control"), config.control, baseDir);
    readScaling(top.child("scaling"), config.scaling, baseDir);

    auto log = top.child("log");
    log.text("level", config.logLevel);
    log.text("format", config.logFormat);
    log.finish();
    static const std::set<std::string> kLevels{"trace", "debug", "info", "warn", "error", "off"};
    if (!kLevels.contains(config.logLevel)) {
        log.fail("level", "expected one of trace, debug, info, warn, error, off");
    }
    if (config.logFormat != "text" && config.logFormat != "json") {
        log.fail("format", "expected text or json");
    }
    top.finish();
    return config;
}

}  // namespace

absl::StatusOr<AgentConfig> parseConfig(std::string_view yaml, const std::string& baseDir) {
    try {
        return parse(YAML::Load(std::string(yaml)), baseDir);
    } catch (const ConfigError& e) {
        return absl::InvalidArgumentError(e.what());
    } catch (const YAML::Exception& e) {
        return absl::InvalidArgumentError("not valid YAML: " + e.msg + " at line " +
                                          std::to_string(e.mark.line + 1));
    }
}

absl::StatusOr<AgentConfig> loadConfigFile(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) return absl::NotFoundError("cannot read config file " + path);
    std::ostringstream text;
    text << in.rdbuf();
    const auto baseDir = std::filesystem::path(path).parent_path().string();
    auto config = parseConfig(text.str(), baseDir.empty() ? "." : baseDir);
    if (!config.ok()) {
        return absl::Status(config.status().code(),
                            path + ": " + std::string(config.status().message()));
    }
    config->sourcePath = std::filesystem::absolute(path).string();
    return config;
}

}  // namespace rampart::config
