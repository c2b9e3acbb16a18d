#pragma once

#include <string>
#include <thread>

#include "absl/status/status.h"
#include "absl/synchronization/mutex.h"
#include "common/FileIdentity.h"
#include "engine/CheckEngine.h"

namespace rampart::control {

// For local data-plane workers: follows the control plane's state.json and the journal of
// changes since it (written by the supervising agent) and applies every new version, so an
// operator's change reaches all workers within one poll.
class StateFollower {
public:
    StateFollower(std::string statePath, CheckEngine& engine,
                  std::chrono::milliseconds poll = std::chrono::milliseconds(200));
    ~StateFollower();

    // Applies the state file as it is now, then follows it. Fails if the file exists but cannot
    // be read, as the supervising agent would: a worker must not serve without the operator's
    // blocks and revocations.
    absl::Status start();
    void pollOnce();

private:
    std::string path_;
    CheckEngine& engine_;
    struct Seen {
        FileIdentity state, journal;
        bool operator==(const Seen&) const = default;
    };
    Seen seen_;
    absl::Mutex mutex_;
    bool stopping_ ABSL_GUARDED_BY(mutex_) = false;
    std::chrono::milliseconds poll_;
    std::thread thread_;
};

}  // namespace rampart::control
