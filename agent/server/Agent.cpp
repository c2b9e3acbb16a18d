#include "server/Agent.h"

#include <grpcpp/health_check_service_interface.h>
#include <grpcpp/resource_quota.h>
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "common/Utf8.h"
#include "rampart/v1/ControlBounds.h"
#include "scaling/LocalWorkers.h"
#include "server/MetricsPage.h"

namespace rampart::server {

namespace {
constexpr const char* kAuthServiceName = "rampart.v1.Auth";
constexpr size_t kServerMemoryBytes = size_t{256} << 20;
}  // namespace

void applyServerLimits(const config::ServerLimits& limits, grpc::ServerBuilder& builder) {
    const auto ms = [](auto d) { return static_cast<int>(d.count()); };
    builder.SetMaxReceiveMessageSize(static_cast<int>(limits.maxMessageBytes));
    builder.SetMaxSendMessageSize(static_cast<int>(limits.maxMessageBytes));
    builder.AddChannelArgument(GRPC_ARG_MAX_CONCURRENT_STREAMS, limits.maxConcurrentStreams);
    builder.AddChannelArgument(GRPC_ARG_MAX_METADATA_SIZE, 16 * 1024);
    builder.AddChannelArgument(GRPC_ARG_KEEPALIVE_TIME_MS, ms(limits.keepaliveTime));
    builder.AddChannelArgument(GRPC_ARG_KEEPALIVE_TIMEOUT_MS, ms(limits.keepaliveTimeout));
    builder.AddChannelArgument(GRPC_ARG_KEEPALIVE_PERMIT_WITHOUT_CALLS, 1);
    // A client pinging faster than this is cut off (GOAWAY too_many_pings) after two strikes.
    builder.AddChannelArgument(GRPC_ARG_HTTP2_MIN_RECV_PING_INTERVAL_WITHOUT_DATA_MS,
                               ms(limits.minClientPingInterval));
    builder.AddChannelArgument(GRPC_ARG_HTTP2_MAX_PING_STRIKES, 2);
    builder.AddChannelArgument(GRPC_ARG_MAX_CONNECTION_IDLE_MS, ms(limits.maxConnectionIdle));
    // Buffers for all connections together stay under this; past it gRPC pushes back.
    grpc::ResourceQuota quota("rampart-data-plane");
    quota.Resize(kServerMemoryBytes);
    builder.SetResourceQuota(quota);
}

namespace {

absl::StatusOr<std::string> readPem(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) return absl::NotFoundError("cannot read " + path);
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

}  // namespace

Agent::Agent(config::AgentConfig config) : config_(std::move(config)) {}

Agent::~Agent() { shutdown(); }

absl::Status Agent::start() {
    engine_ = std::make_unique<CheckEngine>(config_.engine, keys_);
    refresher_ = std::make_unique<keys::KeyRefresher>(keys::makeKeySource(config_.keys),
                                                      config_.keys.algorithms, keys_,
                                                      [this](const jwt::KeySet&) {
                                                          engine_->forgetVerifiedTokens();
                                                          setServing(true);
                                                      });
    if (auto loaded = refresher_->loadNow(); !loaded.ok()) {
        if (config_.keys.url.empty()) {
            return absl::FailedPreconditionError("cannot load keys from " +
                                                 refresher_->describeSource() + ": " +
                                                 std::string(loaded.message()));
        }
        spdlog::warn("starting without keys; will keep trying source=\"{}\"",
                     refresher_->describeSource());
    }

    // The operator's state (blocks, revocations, limits) is in force before the first check is
    // answered: a data plane that opened first would allow a revoked subject until it loaded.
    if (auto loaded = loadOperatorState(); !loaded.ok()) return loaded;

    authService_ =
        std::make_unique<AuthService>(*engine_, keys_, config_.server.maxPendingPerStream);
    grpc::EnableDefaultHealthCheckService(true);
    grpc::ServerBuilder builder;
    // The data plane is for gateways on the host's network; the control plane (mTLS) has its own
    // port.
    builder.AddListeningPort(config_.grpcListen, grpc::InsecureServerCredentials(), &grpcPort_);
    applyServerLimits(config_.server, builder);
    builder.RegisterService(authService_.get());
    server_ = builder.BuildAndStart();
    if (!server_ || grpcPort_ == 0) {
        return absl::UnavailableError("cannot listen on " + config_.grpcListen);
    }
    setServing(keys_.ready());

    if (!config_.http.listen.empty()) {
        routes_ = std::make_unique<http::GatewayRoutes>(*engine_, keys_, config_.http, [this] {
            return renderMetrics(*engine_, keys_, refresher_.get());
        });
        httpServer_ = std::make_unique<http::HttpServer>(config_.http, *routes_);
        if (auto started = httpServer_->start(); !started.ok()) return started;
    }
    if (!config_.control.listen.empty()) {
        if (auto started = startControl(); !started.ok()) return started;
    }
    refresher_->start();
    startedAt_ = engine_->nowUnix();
    spdlog::info("agent started node={} grpc_port={} http_port={} control_port={}", config_.nodeId,
                 grpcPort_, httpPort(), controlPort_);
    return absl::OkStatus();
}

std::unique_ptr<scaling::ScalingBackend> Agent::makeScaler() {
    const auto& s = config_.scaling;
    if (s.backend == "command") return scaling::makeCommandBackend(s);
    if (s.backend == "kubernetes") return scaling::makeKubernetesBackend(s);
    if (s.backend != "local") return nullptr;
    // Workers bind the ports this agent actually got (the config may say port 0), with
    // SO_REUSEPORT, and follow this agent's state file for operator changes.
    std::vector<std::string> args{"--config", config_.sourcePath, "--worker", "--grpc-port",
                                  std::to_string(grpcPort_)};
    if (httpServer_) {
        args.push_back("--http-port");
        args.push_back(std::to_string(httpPort()));
    }
    std::error_code ec;
    auto self = std::filesystem::read_symlink("/proc/self/exe", ec);
    return std::make_unique<scaling::LocalWorkers>(ec ? "/proc/self/exe" : self.string(),
                                                   std::move(args), s.local.drainGrace);
}

absl::Status Agent::loadOperatorState() {
    if (!config_.control.listen.empty()) {
        // The scaler comes once the ports are bound (local workers join them): startControl.
        control_ = std::make_unique<control::ControlPlane>(*engine_, config_.control.stateDir,
                                                           nullptr, config_.scaling);
        if (auto started = control_->start(); !started.ok()) return started;
    }
    if (!config_.followStateFile.empty()) {
        follower_ = std::make_unique<control::StateFollower>(config_.followStateFile, *engine_);
        if (auto loaded = follower_->start(); !loaded.ok()) return loaded;
    }
    return absl::OkStatus();
}

absl::Status Agent::startControl() {
    const auto& c = config_.control;
    control_->setScaler(makeScaler());
    access_ = std::make_unique<control::AccessPolicy>(c.operators, c.viewers, c.callRate);
    controlService_ = std::make_unique<control::ControlService>(
        *control_, *engine_, *access_, [this](v1::NodeInfo& out) { describeNode(out); });

    auto cert = readPem(c.certFile);
    auto key = readPem(c.keyFile);
    auto ca = readPem(c.clientCaFile);
    for (const auto* pem : {&cert, &key, &ca}) {
        if (!pem->ok())
            return absl::FailedPreconditionError("control: " +
                                                 std::string(pem->status().message()));
    }
    // Request and verify a client certificate, but let the service answer a call without one
    // with UNAUTHENTICATED instead of a bare TLS failure the operator cannot read.
    grpc::SslServerCredentialsOptions tls(GRPC_SSL_REQUEST_CLIENT_CERTIFICATE_AND_VERIFY);
    tls.pem_root_certs = *ca;
    tls.pem_key_cert_pairs.push_back({*key, *cert});
    grpc::ServerBuilder builder;
    builder.AddListeningPort(c.listen, grpc::SslServerCredentials(tls), &controlPort_);
    applyServerLimits(config_.server, builder);
    // Not the data plane's cap: a control answer carries what the node holds (10,000 blocks, a
    // 20,000-CIDR limit set, an audit page), sized in ControlBounds.h.
    builder.SetMaxReceiveMessageSize(static_cast<int>(v1::bounds::kMaxRequestBytes));
    builder.SetMaxSendMessageSize(static_cast<int>(v1::bounds::kMaxResponseBytes));
    builder.RegisterService(controlService_.get());
    controlServer_ = builder.BuildAndStart();
    if (!controlServer_ || controlPort_ == 0) {
        return absl::UnavailableError("cannot listen on " + c.listen + " (control)");
    }
    return absl::OkStatus();
}

void Agent::describeNode(v1::NodeInfo& out) {
    char host[256] = {};
    gethostname(host, sizeof host - 1);
    out.set_node_id(config_.nodeId);
    out.set_hostname(common::toValidUtf8(host));
    out.set_version(RAMPART_VERSION);
    out.set_start_time_unix(startedAt_);
    out.set_grpc_address(config_.grpcListen.substr(0, config_.grpcListen.rfind(':')) + ":" +
                         std::to_string(grpcPort_));
    if (httpServer_) {
        out.set_http_address(config_.http.listen.substr(0, config_.http.listen.rfind(':')) + ":" +
                             std::to_string(httpPort()));
    }
    out.set_control_address(config_.control.listen.substr(0, config_.control.listen.rfind(':')) +
                            ":" + std::to_string(controlPort_));
    auto* keySet = out.mutable_key_set();
    if (const auto& keys = keys_.current().value) {
        for (const auto& key : keys->keys()) {
            auto* info = keySet->add_keys();
            info->set_kid(common::toValidUtf8(key->kid));  // from a JWKS: any JSON string
            info->set_algorithm(jwt::algorithmName(key->alg));
        }
    }
    const auto stats = refresher_->stats();
    keySet->set_source(common::toValidUtf8(refresher_->describeSource()));
    keySet->set_last_reload_unix(stats.lastSuccessUnix);
    keySet->set_reloads_succeeded(stats.succeeded);
    keySet->set_reloads_failed(stats.failed);
    keySet->set_last_error(common::toValidUtf8(stats.lastError));  // may quote a fetched body
}

void Agent::setServing(bool serving) {
    if (!server_) return;
    if (auto* health = server_->GetHealthCheckService()) {
        health->SetServingStatus("", serving);
        health->SetServingStatus(kAuthServiceName, serving);
    }
}

void Agent::shutdown() {
    if (refresher_) refresher_->stop();  // no health change may race the shutdown below
    if (!server_) return;
    spdlog::info("draining grace_ms={}", config_.server.shutdownGrace.count());
    // Health first, so load balancers stop sending before the listener goes away.
    if (auto* health = server_->GetHealthCheckService()) health->Shutdown();
    const auto deadline = std::chrono::system_clock::now() + config_.server.shutdownGrace;
    if (controlServer_) {
        controlService_->stopWatches();
        controlServer_->Shutdown(deadline);
        controlServer_->Wait();
        controlServer_.reset();
    }
    if (control_) control_->stop();
    follower_.reset();
    if (httpServer_) httpServer_->stop(config_.server.shutdownGrace);
    server_->Shutdown(deadline);
    server_->Wait();
    server_.reset();
    httpServer_.reset();
    spdlog::info("agent stopped");
}

}  // namespace rampart::server
