#pragma once

#include <grpcpp/grpcpp.h>

#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "jwt/SigningKey.h"
#include "rampart/v1/auth.grpc.pb.h"
#include "support/AgentProcess.h"
#include "support/TempDir.h"

namespace rampart::testing {

// A temporary directory with fresh keys, a JWKS file and an agent config listening on port 0;
// the agent process itself is started by the test.
class AgentTestBed {
public:
    // `extraYaml`: more top-level config sections (http, limits), appended to the base config;
    // not the ones it already has (node_id, listen, server, jwt, log).
    explicit AgentTestBed(std::string_view extraYaml = {});

    // Replaces the JWKS file atomically with these keys' public halves.
    void publishKeys(std::initializer_list<const jwt::SigningKey*> keys);
    std::string validToken(const jwt::SigningKey& key, const std::string& subject = "alice") const;

    // A client for the agent's data plane.
    std::unique_ptr<v1::Auth::Stub> authStub() const;
    std::shared_ptr<grpc::Channel> channel() const;

    // Unary check with a deadline; the status is returned, the response filled.
    grpc::Status check(v1::Auth::Stub& stub, const std::string& token,
                       v1::CheckResponse& out) const;

    TempDir dir;
    jwt::SigningKey keyA;  // ES256, kid "key-a"
    jwt::SigningKey keyB;  // EdDSA, kid "key-b"
    std::filesystem::path jwksPath;
    std::filesystem::path configPath;
    AgentProcess agent;
};

// Appends entries to a node's audit log in the agent's format (JSON lines, all as of now): a
// long-lived node's history without making that many changes. The agent reads them at its next
// start (it keeps the newest entries in memory).
void appendAudit(const std::filesystem::path& log, int first, int count, size_t beforeBytes);

// One HTTP response as a client sees it.
struct HttpReply {
    long status = 0;  // 0: no response; `error` says why
    std::string error;
    std::vector<std::pair<std::string, std::string>> headers;
    std::string body;

    // The first header with this name (case-insensitive), or empty.
    std::string header(std::string_view name) const;
};

// A GET over libcurl with extra request headers ("Name: value"); `sourceAddress` picks the
// client's loopback address (127.0.0.2, ...), so one test can play several clients.
HttpReply httpGet(const std::string& url, const std::vector<std::string>& headers = {},
                  const std::string& sourceAddress = {});

}  // namespace rampart::testing
