#pragma once

#include <cstdint>
#include <string>

#include "scaling/ScalingBackend.h"

namespace rampart::scaling {

// Scales a Deployment through its `scale` subresource on the Kubernetes API server, the same
// call `kubectl scale` makes: GET to read it, a JSON merge patch of spec.replicas to change it.
// Credentials are the pod's service account by default; the token file is read at every call
// because the kubelet rotates it. HTTPS only, the server verified against the configured CA.
class KubernetesBackend : public ScalingBackend {
public:
    // The two counts of an autoscaling/v1 Scale.
    struct Scale {
        uint32_t desired = 0;   // spec.replicas: what the Deployment is asked to run
        uint32_t observed = 0;  // status.replicas: what it runs right now
    };

    explicit KubernetesBackend(const ScalingConfig& config);

    std::string name() const override { return "kubernetes"; }
    // The desired count (spec.replicas), as the HPA reads it: a scale-up in progress counts.
    absl::StatusOr<uint32_t> current() override;
    absl::Status scaleTo(uint32_t replicas, std::string& detail) override;

    absl::StatusOr<Scale> scale();

private:
    absl::StatusOr<std::string> scaleUrl() const;

    ScalingConfig::Kubernetes config_;
    uint32_t minReplicas_;
    uint32_t maxReplicas_;
};

}  // namespace rampart::scaling
