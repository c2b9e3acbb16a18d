#pragma once

#include <grpcpp/grpcpp.h>

#include <memory>
#include <string>

#include "jwt/SigningKey.h"
#include "rampart/v1/auth.grpc.pb.h"
#include "support/AgentProcess.h"
#include "support/TempDir.h"

namespace rampart::testing {

// A temporary directory with fresh keys, a JWKS file and an agent config listening on port 0;
// the agent process itself is started by the test.
class AgentTestBed {
public:
    AgentTestBed();

    // Replaces the JWKS file atomically with these keys' public halves.
    void publishKeys(std::initializer_list<const jwt::SigningKey*> keys);
    std::string validToken(const jwt::SigningKey& key, const std::string& subject = "alice") const;

    // A client for the agent's data plane.
    std::unique_ptr<v1::Auth::Stub> authStub() const;
    std::shared_ptr<grpc::Channel> channel() const;

    // Unary check with a deadline; the status is returned, the response filled.
    grpc::Status check(v1::Auth::Stub& stub, const std::string& token, v1::CheckResponse& out) const;

    TempDir dir;
    jwt::SigningKey keyA;  // ES256, kid "key-a"
    jwt::SigningKey keyB;  // EdDSA, kid "key-b"
    std::filesystem::path jwksPath;
    std::filesystem::path configPath;
    AgentProcess agent;
};

}  // namespace rampart::testing
