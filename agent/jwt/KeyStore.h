#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>

#include "absl/synchronization/mutex.h"
#include "jwt/KeySet.h"

namespace rampart::jwt {

// The key set in force. Readers on the hot path take a snapshot without touching a shared lock
// or reference count in the common case: each thread keeps its own copy of the current
// shared_ptr and refreshes it only when the generation number moves.
class KeyStore {
public:
    struct Snapshot {
        std::shared_ptr<const KeySet> keys;  // null until the first successful load
        uint64_t generation = 0;
    };

    KeyStore();

    // The current set, as cheaply as possible. The reference stays valid until this thread's
    // next call to current() on any KeyStore.
    const Snapshot& current() const;
    uint64_t generation() const { return generation_.load(std::memory_order_acquire); }
    bool ready() const;

    // Installs a new set; in-flight checks finish with the set they started with.
    void replace(std::shared_ptr<const KeySet> keys);

private:
    mutable absl::Mutex mutex_;
    Snapshot latest_ ABSL_GUARDED_BY(mutex_);
    std::atomic<uint64_t> generation_;
};

}  // namespace rampart::jwt
