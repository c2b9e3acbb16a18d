#include "jwt/KeyStore.h"

namespace rampart::jwt {
namespace {

// Generations are unique across every store in the process, so a thread's cached snapshot can
// never be mistaken for another store's.
std::atomic<uint64_t> nextGeneration{1};

struct ThreadSnapshot {
    const void* owner = nullptr;
    KeyStore::Snapshot snapshot;
};

}  // namespace

KeyStore::KeyStore() : generation_(nextGeneration.fetch_add(1)) {
    latest_.generation = generation_.load();
}

const KeyStore::Snapshot& KeyStore::current() const {
    thread_local ThreadSnapshot cached;
    const uint64_t generation = generation_.load(std::memory_order_acquire);
    if (cached.owner != this || cached.snapshot.generation != generation) {
        absl::MutexLock lock(&mutex_);
        cached.owner = this;
        cached.snapshot = latest_;
    }
    return cached.snapshot;
}

bool KeyStore::ready() const {
    absl::MutexLock lock(&mutex_);
    return latest_.keys != nullptr;
}

void KeyStore::replace(std::shared_ptr<const KeySet> keys) {
    absl::MutexLock lock(&mutex_);
    latest_.keys = std::move(keys);
    latest_.generation = nextGeneration.fetch_add(1);
    generation_.store(latest_.generation, std::memory_order_release);
}

}  // namespace rampart::jwt
