// `check`: ask an agent about one token, as a gateway would.
#include <grpcpp/grpcpp.h>

#include <chrono>
#include <iostream>

#include "Commands.h"
#include "rampart/v1/auth.grpc.pb.h"

namespace rampart::ctl {

// Exit codes: 0 allowed, 3 denied (any verdict but ALLOW), 1 the agent could not be asked.
void addCheckCommand(CLI::App& app, int& exitCode) {
    auto* check = app.add_subcommand("check", "Check one token against an agent's data plane");
    static std::string agent = "127.0.0.1:7400", token, clientIp = "127.0.0.1", route;
    static int timeoutMs = 2000;
    check->add_option("--agent", agent, "host:port of the agent's gRPC data plane");
    check->add_option("--token", token, "The bearer token")->required();
    check->add_option("--ip", clientIp, "Client IP to check for");
    check->add_option("--route", route, "Route the request is for");
    check->add_option("--timeout-ms", timeoutMs, "Deadline for the call");
    check->callback([&exitCode] {
        auto channel = grpc::CreateChannel(agent, grpc::InsecureChannelCredentials());
        auto stub = v1::Auth::NewStub(channel);
        grpc::ClientContext context;
        context.set_deadline(std::chrono::system_clock::now() +
                             std::chrono::milliseconds(timeoutMs));
        v1::CheckRequest request;
        request.set_token(token);
        request.set_client_ip(clientIp);
        request.set_route(route);
        v1::CheckResponse response;
        const auto status = stub->Check(&context, request, &response);
        if (!status.ok()) {
            std::cerr << "check failed: " << status.error_message() << " (code "
                      << status.error_code() << ")\n";
            exitCode = 1;
            return;
        }
        std::cout << v1::Verdict_Name(response.verdict()) << "  " << response.detail();
        if (response.has_claims() && !response.claims().subject().empty()) {
            std::cout << "  sub=" << response.claims().subject();
        }
        std::cout << "\n";
        exitCode = response.verdict() == v1::ALLOW ? 0 : 3;
    });
}

}  // namespace rampart::ctl
