// rampart-noop-server: the rampart.v1.Auth service answering ALLOW without looking at anything,
// built with the same gRPC, the same server settings and the same stream reactor as the agent.
// It is the baseline the agent's gRPC throughput is measured against.
#include <CLI/CLI.hpp>

#include <csignal>
#include <fstream>
#include <iostream>

#include "config/AgentConfig.h"
#include "server/Agent.h"
#include "server/CheckStreamReactor.h"

namespace {

class NoopAuthService final : public rampart::v1::Auth::CallbackService {
public:
    grpc::ServerUnaryReactor* Check(grpc::CallbackServerContext* context,
                                    const rampart::v1::CheckRequest* request,
                                    rampart::v1::CheckResponse* response) override {
        answer_(*request, *response);
        auto* reactor = context->DefaultReactor();
        reactor->Finish(grpc::Status::OK);
        return reactor;
    }
    grpc::ServerBidiReactor<rampart::v1::CheckRequest, rampart::v1::CheckResponse>* CheckStream(
        grpc::CallbackServerContext*) override {
        return new rampart::server::CheckStreamReactor(answer_, true, limits_.maxPendingPerStream);
    }
    rampart::config::ServerLimits limits_;

private:
    rampart::server::CheckAnswerer answer_ = [](const rampart::v1::CheckRequest& request,
                                                rampart::v1::CheckResponse& response) {
        response.set_id(request.id());
        response.set_verdict(rampart::v1::ALLOW);
        response.set_detail("ok");
    };
};

}  // namespace

int main(int argc, char** argv) {
    CLI::App app{"rampart-noop-server: a do-nothing Auth service for baselines"};
    std::string listen = "127.0.0.1:0";
    std::string readyFile;
    app.add_option("--listen", listen, "host:port");
    app.add_option("--ready-file", readyFile, "Write {\"grpc_port\":N} here once serving");
    CLI11_PARSE(app, argc, argv);

    sigset_t signals;
    sigemptyset(&signals);
    sigaddset(&signals, SIGTERM);
    sigaddset(&signals, SIGINT);
    pthread_sigmask(SIG_BLOCK, &signals, nullptr);

    NoopAuthService service;
    grpc::ServerBuilder builder;
    int port = 0;
    builder.AddListeningPort(listen, grpc::InsecureServerCredentials(), &port);
    rampart::server::applyServerLimits(service.limits_, builder);
    builder.RegisterService(&service);
    auto server = builder.BuildAndStart();
    if (!server) {
        std::cerr << "cannot listen on " << listen << "\n";
        return 1;
    }
    if (!readyFile.empty()) std::ofstream(readyFile) << "{\"grpc_port\":" << port << "}\n";
    std::cout << "noop server on port " << port << std::endl;
    int signal = 0;
    sigwait(&signals, &signal);
    server->Shutdown(std::chrono::system_clock::now() + std::chrono::seconds(2));
    return 0;
}
