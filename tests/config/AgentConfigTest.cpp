#include "config/AgentConfig.h"

#include <gtest/gtest.h>

#include <fstream>

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
    EXPECT_NE(errorOf(keys + "leeway: soon}").find("jwt.leeway: expected a duration"), std::string::npos);
    EXPECT_NE(errorOf(keys + "max_token_bytes: 10}").find("jwt.max_token_bytes: must be between"), std::string::npos);
    EXPECT_NE(errorOf(keys + "require_exp: maybe}").find("jwt.require_exp: expected true or false"), std::string::npos);
    EXPECT_NE(errorOf(keys + "issuers: one}").find("jwt.issuers: expected a list"), std::string::npos);
    EXPECT_NE(errorOf(keys + "cache: {entries: lots}}").find("jwt.cache.entries: expected an integer"), std::string::npos);
    EXPECT_NE(errorOf("jwt: {keys: {file: k.json, algorithms: {k1: none}}}").find("jwt.keys.algorithms.k1: unknown algorithm"), std::string::npos);
    EXPECT_NE(errorOf("jwt: {keys: {file: k.json}}\nlog: {level: loud}").find("log.level"), std::string::npos);
    EXPECT_NE(errorOf("jwt: {keys: {file: k.json}}\nlisten: {grpc: 7400}").find("listen.grpc"), std::string::npos);
}

TEST(AgentConfig, unknownOptionsAreErrorsNotIgnored) {
    EXPECT_NE(errorOf("jwt: {keys: {file: k.json}, leway: 5s}").find("jwt.leway: unknown option"), std::string::npos);
    EXPECT_NE(errorOf("jwt: {keys: {file: k.json}}\nlistn: {}").find("listn: unknown option"), std::string::npos);
}

TEST(AgentConfig, keySourceMustBeExactlyOneAndHttps) {
    EXPECT_NE(errorOf("jwt: {keys: {}}").find("jwt.keys: set exactly one of file or url"), std::string::npos);
    EXPECT_NE(errorOf("jwt: {keys: {file: a, url: https://b}}").find("exactly one"), std::string::npos);
    EXPECT_NE(errorOf("jwt: {keys: {url: http://idp/jwks}}").find("jwt.keys.url: must be an https:// URL"), std::string::npos);
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

}  // namespace
}  // namespace rampart::config
