#pragma once

#include <grpcpp/grpcpp.h>

#include <memory>

#include "absl/status/status.h"
#include "config/AgentConfig.h"
#include "control/AccessPolicy.h"
#include "control/ControlPlane.h"
#include "control/ControlService.h"
#include "control/StateFollower.h"
#include "engine/CheckEngine.h"
#include "http/GatewayRoutes.h"
#include "http/HttpServer.h"
#include "jwt/KeyStore.h"
#include "keys/KeyRefresher.h"
#include "server/AuthService.h"

namespace rampart::server {

// One rampart-agent: key set, check engine, and the gRPC server that exposes them.
// Lifecycle: start() → (reloadKeys() on SIGHUP)* → shutdown().
class Agent {
public:
    explicit Agent(config::AgentConfig config);
    ~Agent();

    // Loads keys and starts listening. A key file that cannot be loaded at start is an error (a
    // misconfiguration to fix now); a key URL that cannot be reached is not: the agent starts
    // unready and keeps trying.
    absl::Status start();
    int grpcPort() const { return grpcPort_; }
    int httpPort() const { return httpServer_ ? httpServer_->port() : 0; }
    int controlPort() const { return controlPort_; }

    void reloadKeys() { refresher_->requestReload(); }

    // Stops taking new calls, lets in-flight ones finish within the configured grace, then
    // cancels what is left.
    void shutdown();

    CheckEngine& engine() { return *engine_; }

private:
    void setServing(bool serving);
    // Loads the persisted operator state (or, on a worker, the state it follows) into the engine.
    absl::Status loadOperatorState();
    absl::Status startControl();
    std::unique_ptr<scaling::ScalingBackend> makeScaler();
    void describeNode(v1::NodeInfo& out);

    config::AgentConfig config_;
    jwt::KeyStore keys_;
    std::unique_ptr<CheckEngine> engine_;
    std::unique_ptr<keys::KeyRefresher> refresher_;
    std::unique_ptr<AuthService> authService_;
    std::unique_ptr<grpc::Server> server_;
    std::unique_ptr<http::GatewayRoutes> routes_;
    std::unique_ptr<http::HttpServer> httpServer_;
    std::unique_ptr<control::ControlPlane> control_;
    std::unique_ptr<control::AccessPolicy> access_;
    std::unique_ptr<control::ControlService> controlService_;
    std::unique_ptr<grpc::Server> controlServer_;
    std::unique_ptr<control::StateFollower> follower_;
    int grpcPort_ = 0;
    int controlPort_ = 0;
    int64_t startedAt_ = 0;
};

// Applies the configured bounds (message size, streams, keepalive, idle, memory) to a builder.
void applyServerLimits(const config::ServerLimits& limits, grpc::ServerBuilder& builder);

}  // namespace rampart::server
