#pragma once

#include <atomic>
#include <cstdint>
#include <memory>

#include "absl/synchronization/mutex.h"

namespace rampart {

// A value replaced whole at run time (a key set, a limit set) and read on the hot path. Readers
// keep a per-thread copy of the current shared_ptr and refresh it only when the version moves,
// so the common read touches one shared atomic and no lock or reference count.
template <typename T>
class Published {
public:
    struct Snapshot {
        std::shared_ptr<const T> value;  // null until the first publish
        uint64_t version = 0;
    };

    Published() : version_(nextVersion()) { latest_.version = version_.load(); }

    // The current value. The reference stays valid until this thread's next current() on any
    // Published<T>.
    const Snapshot& current() const {
        thread_local Cached cached;
        const uint64_t version = version_.load(std::memory_order_acquire);
        if (cached.owner != this || cached.snapshot.version != version) {
            absl::MutexLock lock(&mutex_);
            cached.owner = this;
            cached.snapshot = latest_;
        }
        return cached.snapshot;
    }

    uint64_t version() const { return version_.load(std::memory_order_acquire); }

    // Readers already holding the old value finish with it.
    void publish(std::shared_ptr<const T> value) {
        absl::MutexLock lock(&mutex_);
        latest_.value = std::move(value);
        latest_.version = nextVersion();
        version_.store(latest_.version, std::memory_order_release);
    }

private:
    struct Cached {
        const void* owner = nullptr;
        Snapshot snapshot;
    };
    // Unique across every Published<T> in the process, so a thread's cached snapshot can never
    // be mistaken for another instance's.
    static uint64_t nextVersion() {
        static std::atomic<uint64_t> next{1};
        return next.fetch_add(1);
    }

    mutable absl::Mutex mutex_;
    Snapshot latest_ ABSL_GUARDED_BY(mutex_);
    std::atomic<uint64_t> version_;
};

}  // namespace rampart
