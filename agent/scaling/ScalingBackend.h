#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "scaling/ScalingConfig.h"

namespace rampart::scaling {

// One way of changing how many replicas serve the data plane. Calls may block (a cloud CLI can
// take a minute); callers run them off the RPC threads.
class ScalingBackend {
public:
    virtual ~ScalingBackend() = default;
    virtual std::string name() const = 0;
    virtual absl::StatusOr<uint32_t> current() = 0;
    // `detail` receives what the audit log should keep (exit status and output, API response).
    virtual absl::Status scaleTo(uint32_t replicas, std::string& detail) = 0;
};

// The Kubernetes HPA rule: desired = ceil(current × observed / target), unchanged while
// observed/target is within `tolerance` of 1, clamped to [minReplicas, maxReplicas].
uint32_t recommendReplicas(uint32_t current, double observedCpuPercent, double targetCpuPercent,
                           uint32_t minReplicas, uint32_t maxReplicas, double tolerance = 0.1);

std::unique_ptr<ScalingBackend> makeCommandBackend(const ScalingConfig& config);
std::unique_ptr<ScalingBackend> makeKubernetesBackend(const ScalingConfig& config);

}  // namespace rampart::scaling
