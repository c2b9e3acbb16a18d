#include "control/HeavyHitters.h"

#include <algorithm>
#include <cstring>

#include "absl/container/flat_hash_map.h"
#include "absl/hash/hash.h"

namespace rampart::control {

void HeavyHitters::record(std::string_view key, int64_t nowSecond) {
    if (key.empty() || nowSecond < 0) return;
    key = key.substr(0, kMaxKeyBytes);
    Shard& shard =
        shards_[absl::Hash<absl::string_view>()(absl::string_view(key.data(), key.size())) %
                kShards];
    absl::MutexLock lock(&shard.mutex);
    Second& second = shard.ring[static_cast<size_t>(nowSecond) % kSeconds];
    if (second.second != nowSecond) {
        second = Second{};
        second.second = nowSecond;
    }
    const auto matches = [&](const Counter& c) {
        return c.length == key.size() && std::memcmp(c.key.data(), key.data(), key.size()) == 0;
    };
    Counter* slot = nullptr;
    for (size_t i = 0; i < second.used; ++i) {
        if (matches(second.counters[i])) {
            slot = &second.counters[i];
            break;
        }
    }
    if (!slot && second.used < kCountersPerShard) {
        slot = &second.counters[second.used++];
        slot->count = 0;
    } else if (!slot) {
        // Space-Saving: the newcomer takes over the smallest counter and inherits its count,
        // so counts stay upper bounds and a real heavy hitter cannot be missed.
        slot = &*std::min_element(
            second.counters.begin(), second.counters.end(),
            [](const Counter& a, const Counter& b) { return a.count < b.count; });
    }
    if (!matches(*slot)) {
        std::memcpy(slot->key.data(), key.data(), key.size());
        slot->length = static_cast<uint8_t>(key.size());
    }
    ++slot->count;
}

std::vector<HeavyHitters::Entry> HeavyHitters::top(size_t limit, int windowSeconds,
                                                   int64_t nowSecond) const {
    windowSeconds = std::clamp(windowSeconds, 1, static_cast<int>(kSeconds));
    absl::flat_hash_map<std::string, uint64_t> merged;
    for (const auto& shard : shards_) {
        absl::MutexLock lock(&shard.mutex);
        for (const auto& second : shard.ring) {
            if (second.second < 0 || second.second > nowSecond ||
                second.second <= nowSecond - windowSeconds) {
                continue;
            }
            for (size_t i = 0; i < second.used; ++i) {
                const auto& c = second.counters[i];
                merged[std::string(c.key.data(), c.length)] += c.count;
            }
        }
    }
    std::vector<Entry> entries;
    entries.reserve(merged.size());
    for (auto& [key, count] : merged) entries.push_back({key, count});
    const size_t n = std::min(limit, entries.size());
    std::partial_sort(entries.begin(), entries.begin() + n, entries.end(),
                      [](const Entry& a, const Entry& b) {
                          return a.count != b.count ? a.count > b.count : a.key < b.key;
                      });
    entries.resize(n);
    return entries;
}

}  // namespace rampart::control
