#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <thread>

#include "absl/status/status.h"
#include "absl/synchronization/mutex.h"
#include "jwt/JwksParser.h"
#include "jwt/KeyStore.h"
#include "keys/KeySource.h"

namespace rampart::keys {

struct ReloadStats {
    uint64_t succeeded = 0;
    uint64_t failed = 0;
    int64_t lastSuccessUnix = 0;
    std::string lastError;  // empty after a success
};

// Keeps the KeyStore fed from a KeySource: loads at start, polls for changes, reloads on demand
// (SIGHUP). A load that fails for any reason leaves the last good key set in place and says why.
class KeyRefresher {
public:
    using OnReplaced = std::function<void(const jwt::KeySet&)>;

    KeyRefresher(std::unique_ptr<KeySource> source, jwt::AlgorithmBindings bindings,
                 jwt::KeyStore& store, OnReplaced onReplaced);
    ~KeyRefresher();

    // One load attempt, now, on the caller's thread.
    absl::Status loadNow();

    // Background polling; stop() (or the destructor) joins the thread.
    void start();
    void stop();
    // Reload at the next opportunity even if the source looks unchanged.
    void requestReload();

    ReloadStats stats() const;
    std::string describeSource() const { return source_->describe(); }

private:
    void run();

    std::unique_ptr<KeySource> source_;
    jwt::AlgorithmBindings bindings_;
    jwt::KeyStore& store_;
    OnReplaced onReplaced_;

    mutable absl::Mutex mutex_;
    bool stopping_ ABSL_GUARDED_BY(mutex_) = false;
    bool reloadRequested_ ABSL_GUARDED_BY(mutex_) = false;
    ReloadStats stats_ ABSL_GUARDED_BY(mutex_);
    std::thread thread_;
};

}  // namespace rampart::keys
