#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

namespace rampart::scaling {

// How this node's data plane is scaled, from the `scaling:` section of the agent config.
struct ScalingConfig {
    std::string backend = "none";  // none, local, command or kubernetes
    uint32_t minReplicas = 1;
    uint32_t maxReplicas = 64;
    double targetCpuPercent = 70;  // per replica, of one core (the HPA's target utilization)

    struct Command {
        std::string path;                  // an executable, run with the target count appended
        std::vector<std::string> args;     // arguments before the count
        std::chrono::milliseconds timeout{std::chrono::seconds(60)};
        // Optional: prints the current count on stdout (e.g. a terraform output); without it
        // the last successfully requested count is reported.
        std::string currentPath;
    } command;

    struct Kubernetes {
        std::string apiServer = "https://kubernetes.default.svc";
        std::string namespaceName;  // default: read from namespaceFile
        std::string deployment;
        std::string tokenFile = "/var/run/secrets/kubernetes.io/serviceaccount/token";
        std::string caFile = "/var/run/secrets/kubernetes.io/serviceaccount/ca.crt";
        std::string namespaceFile = "/var/run/secrets/kubernetes.io/serviceaccount/namespace";
        std::chrono::milliseconds timeout{std::chrono::seconds(10)};
    } kubernetes;

    struct Local {
        uint32_t initialWorkers = 1;
        std::chrono::milliseconds drainGrace{std::chrono::seconds(10)};
    } local;
};

}  // namespace rampart::scaling
