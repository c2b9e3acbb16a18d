#pragma once

#include <string>
#include <thread>

#include "absl/synchronization/mutex.h"
#include "common/FileIdentity.h"
#include "engine/CheckEngine.h"

namespace rampart::control {

// For local data-plane workers: follows the control plane's state.json (written atomically by
// the supervising agent) and applies every new version, so an operator's change reaches all
// workers within one poll.
class StateFollower {
public:
    StateFollower(std::string statePath, CheckEngine& engine,
                  std::chrono::milliseconds poll = std::chrono::milliseconds(200));
    ~StateFollower();

    void pollOnce();

private:
    std::string path_;
    CheckEngine& engine_;
    FileIdentity seen_;
    absl::Mutex mutex_;
    bool stopping_ ABSL_GUARDED_BY(mutex_) = false;
    std::thread thread_;
};

}  // namespace rampart::control
