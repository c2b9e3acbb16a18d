#pragma once

#include <cstdint>
#include <memory>

#include "common/Published.h"
#include "jwt/KeySet.h"

namespace rampart::jwt {

// The key set in force, read on the hot path without a shared lock (see Published). Its version
// changes with every replacement; verified-token cache entries carry it.
class KeyStore {
public:
    // value: the key set, null until the first successful load; version: its generation.
    using Snapshot = Published<KeySet>::Snapshot;

    const Snapshot& current() const { return published_.current(); }
    uint64_t generation() const { return published_.version(); }
    bool ready() const { return current().value != nullptr; }

    // Installs a new set; in-flight checks finish with the set they started with.
    void replace(std::shared_ptr<const KeySet> keys) { published_.publish(std::move(keys)); }

private:
    Published<KeySet> published_;
};

}  // namespace rampart::jwt
