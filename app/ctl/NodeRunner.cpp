#include "NodeRunner.h"

#include <google/protobuf/util/json_util.h>

#include <chrono>
#include <iostream>
#include <nlohmann/json.hpp>

namespace rampart::ctl {

void addTargetOptions(CLI::App& command, TargetOptions& o) {
    command.add_option("--agent", o.agents, "Control address host:port of a node (repeatable)");
    command.add_option("--fleet", o.fleetFile, "Fleet file listing the nodes (and TLS files)");
    command.add_option("--ca", o.tls.caFile, "CA that signed the nodes' certificates")
        ->envname("RAMPART_CA");
    command.add_option("--cert", o.tls.certFile, "Your client certificate")->envname("RAMPART_CERT");
    command.add_option("--key", o.tls.keyFile, "Your client key")->envname("RAMPART_KEY");
    command.add_flag("--json", o.json, "Machine-readable output");
    command.add_option("--timeout-ms", o.timeoutMs, "Deadline per node")->check(CLI::Range(100, 600'000));
}

std::string describe(const grpc::Status& status) {
    static const char* kNames[] = {"OK", "CANCELLED", "UNKNOWN", "INVALID_ARGUMENT",
                                   "DEADLINE_EXCEEDED", "NOT_FOUND", "ALREADY_EXISTS",
                                   "PERMISSION_DENIED", "RESOURCE_EXHAUSTED", "FAILED_PRECONDITION",
                                   "ABORTED", "OUT_OF_RANGE", "UNIMPLEMENTED", "INTERNAL",
                                   "UNAVAILABLE", "DATA_LOSS", "UNAUTHENTICATED"};
    const int code = status.error_code();
    const std::string name = code >= 0 && code <= 16 ? kNames[code] : "ERROR";
    return name + ": " + status.error_message();
}

std::string humanDuration(int64_t seconds) {
    if (seconds < 0) return "expired";
    if (seconds < 120) return std::to_string(seconds) + "s";
    if (seconds < 7200) return std::to_string(seconds / 60) + "m";
    if (seconds < 172800) return std::to_string(seconds / 3600) + "h";
    return std::to_string(seconds / 86400) + "d";
}

uint32_t parseSeconds(const std::string& text) {
    if (text.empty()) return 0;
    size_t used = 0;
    unsigned long value = 0;
    try {
        value = std::stoul(text, &used);
    } catch (...) {
        return 0;
    }
    const std::string unit = text.substr(used);
    unsigned long scale = 0;
    if (unit.empty() || unit == "s") scale = 1;
    else if (unit == "m") scale = 60;
    else if (unit == "h") scale = 3600;
    else if (unit == "d") scale = 86400;
    else return 0;
    const unsigned long seconds = value * scale;
    return seconds > 0xffffffffUL || (scale && seconds / scale != value) ? 0 : static_cast<uint32_t>(seconds);
}

int runOnNodes(const TargetOptions& options, const NodeCall& call) {
    rpc::Fleet fleet;
    fleet.tls = options.tls;
    if (!options.fleetFile.empty()) {
        auto loaded = rpc::loadFleetFile(options.fleetFile);
        if (!loaded.ok()) {
            std::cerr << "rampartctl: " << loaded.status().message() << "\n";
            return 2;
        }
        fleet.nodes = loaded->nodes;
        // Flags win over the fleet file's TLS files.
        if (fleet.tls.caFile.empty()) fleet.tls.caFile = loaded->tls.caFile;
        if (fleet.tls.certFile.empty()) fleet.tls.certFile = loaded->tls.certFile;
        if (fleet.tls.keyFile.empty()) fleet.tls.keyFile = loaded->tls.keyFile;
    }
    for (const auto& agent : options.agents) fleet.nodes.push_back({agent, agent});
    if (fleet.nodes.empty()) {
        std::cerr << "rampartctl: name a node with --agent host:port or a --fleet file\n";
        return 2;
    }

    int failures = 0;
    nlohmann::json results = nlohmann::json::array();
    for (const auto& node : fleet.nodes) {
        NodeResult result;
        auto channel = rpc::makeControlChannel(node.address, fleet.tls);
        if (!channel.ok()) {
            result.status = grpc::Status(grpc::StatusCode::INVALID_ARGUMENT,
                                         std::string(channel.status().message()));
        } else {
            auto stub = v1::Control::NewStub(*channel);
            grpc::ClientContext context;
            context.set_deadline(std::chrono::system_clock::now() +
                                 std::chrono::milliseconds(options.timeoutMs));
            result = call(*stub, context);
        }
        if (!result.status.ok()) ++failures;
        if (options.json) {
            nlohmann::json entry = {{"node", node.name}, {"address", node.address},
                                    {"ok", result.status.ok()}};
            if (!result.status.ok()) {
                entry["error"] = describe(result.status);
            } else if (result.message) {
                std::string text;
                google::protobuf::util::JsonPrintOptions print;
                print.preserve_proto_field_names = true;
                print.always_print_primitive_fields = true;
                (void)google::protobuf::util::MessageToJsonString(*result.message, &text, print);
                entry["result"] = nlohmann::json::parse(text, nullptr, false);
            }
            results.push_back(std::move(entry));
        } else if (result.status.ok()) {
            std::cout << node.name << "  " << result.human << "\n";
        } else {
            std::cout << node.name << "  FAILED  " << describe(result.status) << "\n";
        }
    }
    if (options.json) std::cout << results.dump(2) << "\n";
    return failures == 0 ? 0 : 1;
}

}  // namespace rampart::ctl
