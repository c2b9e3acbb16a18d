#pragma once

#include <atomic>
#include <cstdint>
#include <mutex>
#include <string>

#include "scaling/ScalingBackend.h"

namespace rampart::scaling {

// Scales by running the operator's executable (terraform, a cloud CLI, a script) with the target
// count as its last argument. Exit status 0 means done; the exit status and the first 64 KiB of
// its output go to `detail` for the audit log. One run at a time: two overlapping `terraform
// apply`s would fight over the same state.
class CommandBackend : public ScalingBackend {
public:
    explicit CommandBackend(const ScalingConfig& config);

    std::string name() const override { return "command"; }
    // From `currentPath` when configured, else the last count a run succeeded with (minReplicas
    // until the first one).
    absl::StatusOr<uint32_t> current() override;
    absl::Status scaleTo(uint32_t replicas, std::string& detail) override;

private:
    ScalingConfig::Command config_;
    uint32_t minReplicas_;
    uint32_t maxReplicas_;
    std::mutex running_;
    std::atomic<uint32_t> lastApplied_;
};

}  // namespace rampart::scaling
