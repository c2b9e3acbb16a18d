#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "absl/synchronization/mutex.h"

namespace rampart::control {

// The most-denied keys (client IPs or subjects) over the last few seconds, in bounded memory:
// a Space-Saving sketch (Metwally, Agrawal, El Abbadi 2005) per shard and per second, in a ring
// of seconds. Counts are upper bounds, exact for keys that never left the sketch; never one
// metric per key.
class HeavyHitters {
public:
    static constexpr size_t kShards = 16;
    static constexpr size_t kCountersPerShard = 32;
    static constexpr size_t kSeconds = 10;
    static constexpr size_t kMaxKeyBytes = 64;  // longer keys are cut (subjects can be long)

    struct Entry {
        std::string key;
        uint64_t count;
    };

    void record(std::string_view key, int64_t nowSecond);
    // The top `limit` keys over the last `windowSeconds` (1..kSeconds) ending at nowSecond.
    std::vector<Entry> top(size_t limit, int windowSeconds, int64_t nowSecond) const;

    static constexpr size_t memoryBytes() { return sizeof(HeavyHitters); }

private:
    struct Counter {
        std::array<char, kMaxKeyBytes> key{};
        uint8_t length = 0;
        uint64_t count = 0;
    };
    struct Second {
        int64_t second = -1;
        std::array<Counter, kCountersPerShard> counters{};
        size_t used = 0;
    };
    struct alignas(64) Shard {
        mutable absl::Mutex mutex;
        std::array<Second, kSeconds> ring;
    };
    std::array<Shard, kShards> shards_;
};

}  // namespace rampart::control
