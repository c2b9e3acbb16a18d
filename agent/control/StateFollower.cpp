#include "control/StateFollower.h"

#include <spdlog/spdlog.h>

#include "control/ApplyState.h"
#include "control/StateFile.h"

namespace rampart::control {

StateFollower::StateFollower(std::string statePath, CheckEngine& engine,
                             std::chrono::milliseconds poll)
    : path_(std::move(statePath)), engine_(engine) {
    pollOnce();
    thread_ = std::thread([this, poll] {
        while (true) {
            {
                absl::MutexLock lock(&mutex_);
                const auto stop = +[](StateFollower* self) ABSL_NO_THREAD_SAFETY_ANALYSIS {
                    return self->stopping_;
                };
                mutex_.AwaitWithTimeout(absl::Condition(stop, this), absl::Milliseconds(poll.count()));
                if (stopping_) return;
            }
            pollOnce();
        }
    });
}

StateFollower::~StateFollower() {
    {
        absl::MutexLock lock(&mutex_);
        stopping_ = true;
    }
    if (thread_.joinable()) thread_.join();
}

void StateFollower::pollOnce() {
    const auto now = FileIdentity::of(path_);
    if (!now.exists() || now == seen_) return;
    auto state = loadState(path_);
    if (!state.ok()) {
        spdlog::warn("cannot follow operator state: {}", std::string(state.status().message()));
        return;
    }
    seen_ = now;
    applyToEngine(*state, engine_);
    spdlog::info("operator state applied limits_revision={}", state->limits.revision);
}

}  // namespace rampart::control
