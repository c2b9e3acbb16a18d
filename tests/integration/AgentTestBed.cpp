#include "AgentTestBed.h"

#include <chrono>

namespace rampart::testing {
namespace {

jwt::SigningKey generated(jwt::Algorithm alg, const std::string& kid) {
    auto key = jwt::SigningKey::generate(alg, kid);
    if (!key.ok()) throw std::runtime_error("key generation failed");
    return std::move(*key);
}

int64_t nowSeconds() {
    return std::chrono::duration_cast<std::chrono::seconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
}

}  // namespace

AgentTestBed::AgentTestBed()
    : keyA(generated(jwt::Algorithm::ES256, "key-a")),
      keyB(generated(jwt::Algorithm::EdDSA, "key-b")),
      jwksPath(dir.file("jwks.json")),
      configPath(dir.file("agent.yaml")),
      agent(dir.path(), configPath) {
    publishKeys({&keyA});
    dir.write("agent.yaml", R"(
node_id: test-node
listen:
  grpc: 127.0.0.1:0
server:
  shutdown_grace: 5s
jwt:
  keys:
    file: jwks.json
    watch_interval: 100ms
  leeway: 0s
log:
  level: info
)");
}

void AgentTestBed::publishKeys(std::initializer_list<const jwt::SigningKey*> keys) {
    std::string jwks = "{\"keys\":[";
    bool first = true;
    for (const auto* key : keys) {
        if (!first) jwks += ',';
        jwks += key->publicJwk();
        first = false;
    }
    dir.write("jwks.json", jwks + "]}");
}

std::string AgentTestBed::validToken(const jwt::SigningKey& key, const std::string& subject) const {
    return key.mint("{\"sub\":\"" + subject + "\",\"exp\":" + std::to_string(nowSeconds() + 600) +
                    "}");
}

std::shared_ptr<grpc::Channel> AgentTestBed::channel() const {
    return grpc::CreateChannel(agent.address(), grpc::InsecureChannelCredentials());
}

std::unique_ptr<v1::Auth::Stub> AgentTestBed::authStub() const {
    return v1::Auth::NewStub(channel());
}

grpc::Status AgentTestBed::check(v1::Auth::Stub& stub, const std::string& token,
                                 v1::CheckResponse& out) const {
    grpc::ClientContext context;
    context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(5));
    v1::CheckRequest request;
    request.set_token(token);
    request.set_client_ip("127.0.0.1");
    return stub.Check(&context, request, &out);
}

}  // namespace rampart::testing
