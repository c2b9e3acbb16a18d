#pragma once

#include <CLI/CLI.hpp>
#include <google/protobuf/message.h>

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "rampart/v1/control.grpc.pb.h"
#include "rpc/client/ControlChannel.h"

namespace rampart::ctl {

// Which nodes a control command goes to, and how to reach them.
struct TargetOptions {
    std::vector<std::string> agents;  // host:port, repeatable
    std::string fleetFile;
    rpc::TlsFiles tls;
    bool json = false;
    int timeoutMs = 10'000;
};
void addTargetOptions(CLI::App& command, TargetOptions& options);

// What one node answered: a status, a line for people, and the message for --json.
struct NodeResult {
    grpc::Status status;
    std::string human;
    std::shared_ptr<google::protobuf::Message> message;
};
using NodeCall = std::function<NodeResult(v1::Control::Stub& stub, grpc::ClientContext& context)>;

// Runs the call on every target node (one after another, each with its own deadline), prints a
// result per node, and returns the exit code: 0 only if every node succeeded.
int runOnNodes(const TargetOptions& options, const NodeCall& call);

std::string describe(const grpc::Status& status);
std::string humanDuration(int64_t seconds);
// "90", "90s", "15m", "2h", "1d" → seconds; 0 on error.
uint32_t parseSeconds(const std::string& text);

}  // namespace rampart::ctl
