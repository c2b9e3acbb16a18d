#pragma once

#include <sys/types.h>

#include <chrono>
#include <string>
#include <thread>
#include <vector>

#include "absl/synchronization/mutex.h"
#include "scaling/ScalingBackend.h"

namespace rampart::scaling {

// The `local` backend: more data-plane processes on this host. The agent itself is replica 1;
// each further replica is a child `rampart-agent --worker` serving the same ports through
// SO_REUSEPORT, so the kernel spreads new connections across them. Workers are supervised (one
// that dies is started again) and scaling down drains them: SIGTERM, then the worker's own
// graceful shutdown, then SIGKILL only if the grace runs out.
class LocalWorkers final : public ScalingBackend {
public:
    LocalWorkers(std::string executable, std::vector<std::string> workerArgs,
                 std::chrono::milliseconds drainGrace);
    ~LocalWorkers() override;

    std::string name() const override { return "local"; }
    absl::StatusOr<uint32_t> current() override;
    absl::Status scaleTo(uint32_t replicas, std::string& detail) override;

    uint64_t restarts() const;
    std::vector<pid_t> workerPids() const;

private:
    struct Worker {
        pid_t pid = -1;
        int index = 0;
        bool retiring = false;
        bool exited = false;
    };
    pid_t spawn(int index);
    void supervise();

    const std::string executable_;
    const std::vector<std::string> args_;
    const std::chrono::milliseconds drainGrace_;
    mutable absl::Mutex mutex_;
    std::vector<Worker> workers_ ABSL_GUARDED_BY(mutex_);
    uint64_t restarts_ ABSL_GUARDED_BY(mutex_) = 0;
    bool stopping_ ABSL_GUARDED_BY(mutex_) = false;
    std::thread supervisor_;
};

}  // namespace rampart::scaling
