#include <gtest/gtest.h>

#include <fstream>

#include "config/AgentConfig.h"
#include "support/TempDir.h"

namespace rampart::config {
namespace {

using namespace std::chrono_literals;

std::string errorOf(std::string_view yaml) {
    auto config = parseConfig(yaml, "/etc/rampart");
    return config.ok() ? "" : std::string(config.status().message());
}

TEST(AgentConfig, minimalConfigGetsDefaults) {
    auto config = parseConfig("jwt: {keys: {file: jwks.json}}", "/etc/rampart");
    ASSERT_TRUE(config.ok()) << config.status();
    EXPECT_EQ(config->keys.file, "/etc/rampart/jwks.json");  // relative to the config file
    EXPECT_EQ(config->grpcListen, "127.0.0.1:7400");
    EXPECT_EQ(config->engine.verifier.maxTokenBytes, 8192u);
    EXPECT_EQ(config->engine.verifier.leewaySeconds, 30);
    EXPECT_TRUE(config->engine.verifier.requireExp);
    EXPECT_FALSE(config->nodeId.empty());  // the host name
}

TEST(AgentConfig, readsEverySection) {
    auto config = parseConfig(R"(
node_id: auth-7
listen: {grpc: "0.0.0.0:9000"}
server: {max_message_bytes: 32768, max_concurrent_streams: 10, shutdown_grace: 3s}
jwt:
  keys:
    url: https://idp.example/jwks
    ca_file: /etc/ssl/idp.pem
    refresh_interval: 10m
    algorithms: {"kty:RSA": PS256, k1: ES256}
  issuers: [https://idp.example/]
  audiences: [api, web]
  leeway: 5s
  require_exp: false
  max_token_bytes: 4096
  cache: {entries: 10, max_ttl: 1m}
log: {level: debug, format: json}
)");
    ASSERT_TRUE(config.ok()) << config.status();
    EXPECT_EQ(config->nodeId, "auth-7");
    EXPECT_EQ(config->grpcListen, "0.0.0.0:9000");
    EXPECT_EQ(config->server.maxMessageBytes, 32768u);
    EXPECT_EQ(config->server.shutdownGrace, 3s);
    EXPECT_EQ(config->keys.url, "https://idp.example/jwks");
    EXPECT_EQ(config->keys.refreshInterval, 10min);
    EXPECT_EQ(config->keys.algorithms.at("kty:RSA"), jwt::Algorithm::PS256);
    EXPECT_EQ(config->engine.verifier.issuers, std::vector<std::string>{"https://idp.example/"});
    EXPECT_EQ(config->engine.verifier.audiences.size(), 2u);
    EXPECT_EQ(config->engine.verifier.leewaySeconds, 5);
    EXPECT_FALSE(config->engine.verifier.requireExp);
    EXPECT_EQ(config->engine.verifier.maxTokenBytes, 4096u);
    EXPECT_EQ(config->engine.cacheEntries, 10u);
    EXPECT_EQ(config->engine.cacheMaxTtlSeconds, 60);
    EXPECT_EQ(config->logFormat, "json");
}

TEST(AgentConfig, errorsNameTheField) {
    const std::string keys = "jwt: {keys: {file: k.json}, ";
    EXPECT_NE(errorOf(keys + "leeway: soon}").find("jwt.leeway: expected a duration"),
              std::string::npos);
    EXPECT_NE(errorOf(keys + "max_token_bytes: 10}").find("jwt.max_token_bytes: must be between"),
              std::string::npos);
    EXPECT_NE(errorOf(keys + "require_exp: maybe}").find("jwt.require_exp: expected true or false"),
              std::string::npos);
    EXPECT_NE(errorOf(keys + "issuers: one}").find("jwt.issuers: expected a list"),
              std::string::npos);
    EXPECT_NE(
        errorOf(keys + "cache: {entries: lots}}").find("jwt.cache.entries: expected an integer"),
        std::string::npos);
    EXPECT_NE(errorOf("jwt: {keys: {file: k.json, algorithms: {k1: none}}}")
                  .find("jwt.keys.algorithms.k1: unknown algorithm"),
              std::string::npos);
    EXPECT_NE(errorOf("jwt: {keys: {file: k.json}}\nlog: {level: loud}").find("log.level"),
              std::string::npos);
    EXPECT_NE(errorOf("jwt: {keys: {file: k.json}}\nlisten: {grpc: 7400}").find("listen.grpc"),
              std::string::npos);
}

TEST(AgentConfig, unknownOptionsAreErrorsNotIgnored) {
    EXPECT_NE(errorOf("jwt: {keys: {file: k.json}, leway: 5s}").find("jwt.leway: unknown option"),
              std::string::npos);
    EXPECT_NE(errorOf("jwt: {keys: {file: k.json}}\nlistn: {}").find("listn: unknown option"),
              std::string::npos);
}

TEST(AgentConfig, keySourceMustBeExactlyOneAndHttps) {
    EXPECT_NE(errorOf("jwt: {keys: {}}").find("jwt.keys: set exactly one of file or url"),
              std::string::npos);
    EXPECT_NE(errorOf("jwt: {keys: {file: a, url: https://b}}").find("exactly one"),
              std::string::npos);
    EXPECT_NE(errorOf("jwt: {keys: {url: http://idp/jwks}}")
                  .find("jwt.keys.url: must be an https:// URL"),
              std::string::npos);
    EXPECT_NE(errorOf("listen: {grpc: '127.0.0.1:1'}").find("jwt: required"), std::string::npos);
}

TEST(AgentConfig, malformedYamlSaysWhere) {
    EXPECT_NE(errorOf("jwt: {keys: [unclosed").find("not valid YAML"), std::string::npos);
    EXPECT_NE(errorOf("- a list").find("mapping"), std::string::npos);
    EXPECT_NE(errorOf("").find("mapping"), std::string::npos);
}

TEST(AgentConfig, loadFileReportsMissingFileAndPrefixesPath) {
    EXPECT_FALSE(loadConfigFile("/nonexistent/agent.yaml").ok());
    testing::TempDir dir;
    const auto path = dir.write("agent.yaml", "jwt: {keys: {file: k.json}, leeway: x}");
    auto config = loadConfigFile(path.string());
    ASSERT_FALSE(config.ok());
    EXPECT_NE(config.status().message().find(path.string() + ": jwt.leeway"), std::string::npos);
}

TEST(AgentConfig, shippedExampleIsValid) {
    auto config = loadConfigFile(RAMPART_SOURCE_DIR "/resources/agent.example.yaml");
    ASSERT_TRUE(config.ok()) << config.status();
    EXPECT_EQ(config->nodeId, "auth-1");
}

TEST(AgentConfig, readsLimits) {
    auto config = parseConfig(R"(
jwt: {keys: {file: k.json}}
limits:
  per_ip: {rate: 20, burst: 40, shadow: true}
  per_subject: {rate: 0.5, burst: 3}
  global: {rate: 10000}
  ipv6_prefix: 48
  max_keys: 200000
  blocklist: [203.0.113.0/24, "2001:db8:bad::/48"]
  allowlist: [10.1.2.3/8]
)");
    ASSERT_TRUE(config.ok()) << config.status();
    const auto& limits = config->engine.limits;
    EXPECT_EQ(limits.perIp.rate, 20);
    EXPECT_EQ(limits.perIp.burst, 40);
    EXPECT_TRUE(limits.perIp.shadow);
    EXPECT_EQ(limits.perSubject.rate, 0.5);
    EXPECT_EQ(limits.perSubject.burst, 3);
    EXPECT_FALSE(limits.perSubject.shadow);
    EXPECT_EQ(limits.global.rate, 10000);
    EXPECT_EQ(limits.ipv6PrefixBits, 48);
    EXPECT_EQ(config->engine.maxLimiterKeys, 200000u);
    ASSERT_EQ(limits.blocklist.blocks().size(), 2u);
    EXPECT_EQ(limits.blocklist.blocks()[1].toString(), "2001:db8:bad::/48");
    ASSERT_EQ(limits.allowlist.blocks().size(), 1u);
    EXPECT_EQ(limits.allowlist.blocks()[0].toString(), "10.0.0.0/8");  // normalised
}

TEST(AgentConfig, limitsAreOffUnlessConfigured) {
    auto config = parseConfig("jwt: {keys: {file: k.json}}");
    ASSERT_TRUE(config.ok()) << config.status();
    const auto& limits = config->engine.limits;
    EXPECT_FALSE(limits.perIp.enabled());
    EXPECT_FALSE(limits.perSubject.enabled());
    EXPECT_FALSE(limits.global.enabled());
    EXPECT_EQ(limits.ipv6PrefixBits, 64);
    EXPECT_TRUE(limits.blocklist.empty());
    EXPECT_TRUE(limits.allowlist.empty());
}

TEST(AgentConfig, burstDefaultsToOneSecondOfRateAndAtLeastOne) {
    auto config = parseConfig(R"(
jwt: {keys: {file: k.json}}
limits: {per_ip: {rate: 50}, per_subject: {rate: 0.2}, global: {rate: 0}}
)");
    ASSERT_TRUE(config.ok()) << config.status();
    EXPECT_EQ(config->engine.limits.perIp.burst, 50);
    EXPECT_EQ(config->engine.limits.perSubject.burst, 1);
    // Rate 0 is off, whatever else is said.
    EXPECT_FALSE(config->engine.limits.global.enabled());
    auto off = parseConfig("jwt: {keys: {file: k.json}}\nlimits: {per_ip: {rate: 0, burst: 10}}");
    ASSERT_TRUE(off.ok()) << off.status();
    EXPECT_FALSE(off->engine.limits.perIp.enabled());
}

TEST(AgentConfig, limitErrorsNameTheFieldAndTheValue) {
    const std::string keys = "jwt: {keys: {file: k.json}}\n";
    const auto blocklist = errorOf(keys + "limits: {blocklist: [10.0.0.0/8, 10.0.0.0/33]}");
    EXPECT_NE(blocklist.find("limits.blocklist"), std::string::npos) << blocklist;
    EXPECT_NE(blocklist.find("10.0.0.0/33"), std::string::npos) << blocklist;
    const auto allowlist = errorOf(keys + "limits: {allowlist: [not-an-address]}");
    EXPECT_NE(allowlist.find("limits.allowlist"), std::string::npos) << allowlist;
    EXPECT_NE(allowlist.find("not-an-address"), std::string::npos) << allowlist;
    EXPECT_NE(
        errorOf(keys + "limits: {blocklist: 10.0.0.0/8}").find("limits.blocklist: expected a list"),
        std::string::npos);
    EXPECT_NE(errorOf(keys + "limits: {per_ip: {rate: -1}}").find("limits.per_ip.rate"),
              std::string::npos);
    EXPECT_NE(errorOf(keys + "limits: {per_ip: {rate: fast}}").find("limits.per_ip.rate"),
              std::string::npos);
    EXPECT_NE(errorOf(keys + "limits: {per_subject: {rate: 1, burst: 0}}")
                  .find("limits.per_subject.burst"),
              std::string::npos);
    // Values the GCRA's arithmetic cannot hold exactly, and non-numbers, even on a rule that is
    // off.
    EXPECT_NE(errorOf(keys + "limits: {per_subject: {rate: 0, burst: .nan}}")
                  .find("limits.per_subject.burst"),
              std::string::npos);
    EXPECT_NE(errorOf(keys + "limits: {per_ip: {rate: 1e-11}}").find("limits.per_ip.rate"),
              std::string::npos);
    EXPECT_NE(errorOf(keys + "limits: {per_ip: {rate: .inf}}").find("limits.per_ip.rate"),
              std::string::npos);
    EXPECT_NE(errorOf(keys + "limits: {per_ip: {rate: 0.1, burst: 1e9}}")
                  .find("limits.per_ip.burst: must be at most 1e8"),
              std::string::npos);
    EXPECT_NE(errorOf(keys + "limits: {global: {rate: 1, shadow: sometimes}}")
                  .find("limits.global.shadow"),
              std::string::npos);
    EXPECT_NE(errorOf(keys + "limits: {ipv6_prefix: 129}").find("limits.ipv6_prefix"),
              std::string::npos);
    EXPECT_NE(errorOf(keys + "limits: {max_keys: 10}").find("limits.max_keys"), std::string::npos);
}

TEST(AgentConfig, unknownLimitsAndHttpOptionsAreRefused) {
    const std::string keys = "jwt: {keys: {file: k.json}}\n";
    EXPECT_NE(errorOf(keys + "limits: {per_ip: {rate: 1, brust: 2}}")
                  .find("limits.per_ip.brust: unknown option"),
              std::string::npos);
    EXPECT_NE(
        errorOf(keys + "limits: {per_user: {rate: 1}}").find("limits.per_user: unknown option"),
        std::string::npos);
    EXPECT_NE(errorOf(keys + "http: {listen: '127.0.0.1:7401', treads: 2}")
                  .find("http.treads: unknown option"),
              std::string::npos);
}

TEST(AgentConfig, readsTheFleetLimitAndItsPasswordFile) {
    testing::TempDir dir;
    dir.write("redis.pass", "s3cret\n");
    auto config = parseConfig(R"(
jwt: {keys: {file: k.json}}
limits:
  global: {rate: 5000}
  fleet:
    redis: 10.0.0.7:6379
    password_file: redis.pass
    key: "launch:global"
    timeout: 20ms
    lease: 5ms
    retry_after_failure: 2s
)",
                              dir.path().string());
    ASSERT_TRUE(config.ok()) << config.status();
    ASSERT_TRUE(config->engine.fleetLimit.has_value());
    const auto& fleet = *config->engine.fleetLimit;
    EXPECT_EQ(fleet.redis.address, "10.0.0.7:6379");
    EXPECT_EQ(fleet.redis.password, "s3cret");
    EXPECT_EQ(fleet.key, "launch:global");
    EXPECT_EQ(fleet.redis.timeout, 20ms);
    EXPECT_EQ(fleet.lease, 5ms);
    EXPECT_EQ(fleet.retryAfterFailure, 2s);

    auto local = parseConfig("jwt: {keys: {file: k.json}}\nlimits: {global: {rate: 5}}");
    ASSERT_TRUE(local.ok()) << local.status();
    EXPECT_FALSE(local->engine.fleetLimit.has_value());
}

TEST(AgentConfig, fleetLimitErrorsNameTheField) {
    const std::string keys = "jwt: {keys: {file: k.json}}\n";
    EXPECT_NE(errorOf(keys + "limits: {fleet: {key: x}}").find("limits.fleet.redis: required"),
              std::string::npos);
    EXPECT_NE(errorOf(keys + "limits: {fleet: {redis: localhost}}").find("limits.fleet.redis"),
              std::string::npos);
    EXPECT_NE(errorOf(keys + "limits: {fleet: {redis: '127.0.0.1:6379', timeout: 5s}}")
                  .find("limits.fleet.timeout"),
              std::string::npos);
    EXPECT_NE(
        errorOf(keys +
                "limits: {fleet: {redis: '127.0.0.1:6379', password_file: /nonexistent/pass}}")
            .find("limits.fleet.password_file: cannot read"),
        std::string::npos);
    EXPECT_NE(errorOf(keys + "limits: {fleet: {redis: '127.0.0.1:6379', pasword_file: x}}")
                  .find("limits.fleet.pasword_file: unknown option"),
              std::string::npos);
}

TEST(AgentConfig, readsHttp) {
    auto config = parseConfig(R"(
jwt: {keys: {file: k.json}}
http:
  listen: "127.0.0.1:7401"
  threads: 4
  trusted_proxies: [10.0.0.0/8, "::1"]
  rate_limited_status: 429
  max_header_bytes: 8192
  read_timeout: 2s
  idle_timeout: 30s
  max_connections: 500
)");
    ASSERT_TRUE(config.ok()) << config.status();
    EXPECT_EQ(config->http.listen, "127.0.0.1:7401");
    EXPECT_EQ(config->http.threads, 4);
    EXPECT_EQ(config->http.trustedProxies.blocks().size(), 2u);
    EXPECT_EQ(config->http.rateLimitedStatus, 429);
    EXPECT_EQ(config->http.maxHeaderBytes, 8192u);
    EXPECT_EQ(config->http.readTimeout, 2s);
    EXPECT_EQ(config->http.idleTimeout, 30s);
    EXPECT_EQ(config->http.maxConnections, 500);

    auto defaults = parseConfig("jwt: {keys: {file: k.json}}");
    ASSERT_TRUE(defaults.ok()) << defaults.status();
    EXPECT_TRUE(defaults->http.listen.empty());  // no HTTP endpoint unless asked for
    EXPECT_EQ(defaults->http.rateLimitedStatus, 403);
}

TEST(AgentConfig, httpErrorsNameTheField) {
    const std::string keys = "jwt: {keys: {file: k.json}}\n";
    for (const char* status : {"200", "401", "404", "500", "503"}) {
        const auto error = errorOf(keys + "http: {rate_limited_status: " + status + "}");
        EXPECT_NE(error.find("http.rate_limited_status"), std::string::npos)
            << status << ": " << error;
    }
    EXPECT_EQ(errorOf(keys + "http: {rate_limited_status: 403}"), "");
    EXPECT_EQ(errorOf(keys + "http: {rate_limited_status: 429}"), "");
    EXPECT_NE(errorOf(keys + "http: {listen: 127.0.0.1}").find("http.listen: expected host:port"),
              std::string::npos);
    EXPECT_NE(errorOf(keys + "http: {listen: localhost}").find("http.listen"), std::string::npos);
    EXPECT_NE(errorOf(keys + "http: {trusted_proxies: [10.0.0.0/40]}").find("http.trusted_proxies"),
              std::string::npos);
    EXPECT_NE(errorOf(keys + "http: {read_timeout: forever}").find("http.read_timeout"),
              std::string::npos);
    EXPECT_NE(errorOf(keys + "http: {threads: 0}").find("http.threads"), std::string::npos);
}

}  // namespace
}  // namespace rampart::config
