#include "control/StateFollower.h"

#include <spdlog/spdlog.h>

#include "control/ApplyState.h"
#include "control/StateFile.h"

namespace rampart::control {

StateFollower::StateFollower(std::string statePath, CheckEngine& engine,
                             std::chrono::milliseconds poll)
    : path_(std::move(statePath)), engine_(engine), poll_(poll) {}

absl::Status StateFollower::start() {
    const Seen now{FileIdentity::of(path_), FileIdentity::of(journalPathFor(path_))};
    if (now.state.exists()) {
        auto state = loadStateWithJournal(path_);
        if (!state.ok()) return state.status();
        seen_ = now;
        applyToEngine(*state, engine_);
        spdlog::info("operator state applied limits_revision={}", state->limits.revision);
    }
    thread_ = std::thread([this] {
        while (true) {
            {
                absl::MutexLock lock(&mutex_);
                const auto stop = +[](StateFollower* self)
                                       ABSL_NO_THREAD_SAFETY_ANALYSIS { return self->stopping_; };
                mutex_.AwaitWithTimeout(absl::Condition(stop, this),
                                        absl::Milliseconds(poll_.count()));
                if (stopping_) return;
            }
            pollOnce();
        }
    });
    return absl::OkStatus();
}

StateFollower::~StateFollower() {
    {
        absl::MutexLock lock(&mutex_);
        stopping_ = true;
    }
    if (thread_.joinable()) thread_.join();
}

void StateFollower::pollOnce() {
    // A change is a line in the journal; a snapshot replaces state.json and empties the journal.
    const Seen now{FileIdentity::of(path_), FileIdentity::of(journalPathFor(path_))};
    if (!now.state.exists() || now == seen_) return;
    auto state = loadStateWithJournal(path_);
    if (!state.ok()) {
        spdlog::warn("cannot follow operator state: {}", std::string(state.status().message()));
        return;
    }
    seen_ = now;
    applyToEngine(*state, engine_);
    spdlog::info("operator state applied limits_revision={}", state->limits.revision);
}

}  // namespace rampart::control
