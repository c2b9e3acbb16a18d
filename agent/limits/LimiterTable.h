#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <vector>

#include "limits/Gcra.h"

namespace rampart::limits {

struct TableStats {
    size_t keys = 0;        // slots in use (some may be idle and reusable)
    size_t capacity = 0;    // slots: at least twice the keys asked for, so those all fit
    uint64_t evictions = 0;  // live keys pushed out to make room (a flood of distinct keys)
    size_t memoryBytes = 0;
};

// GCRA state for many keys (client IPs, subjects) in fixed memory: 16-byte slots, preallocated,
// never growing. Keys live in open-addressed shards with a short probe window; a new key takes
// an empty slot, else an idle one (TAT in the past: nothing lost), else the one whose limit
// expires soonest. So a flood of spoofed addresses can cost accuracy for the evicted keys, never
// memory. Shards have their own small lock, so threads rarely meet.
class LimiterTable {
public:
    explicit LimiterTable(size_t maxKeys, size_t shardCount = 256);

    GcraDecision take(uint64_t key, int64_t nowNs, const GcraParams& params);
    TableStats stats() const;
    void clear();

private:
    struct Slot {
        uint64_t key;  // 0: empty
        int64_t tat;
    };
    static constexpr size_t kProbe = 8;  // slots searched per key: two cache lines
    struct alignas(64) Shard {
        std::atomic_flag lock = ATOMIC_FLAG_INIT;
        size_t used = 0;
        uint64_t evictions = 0;
        std::unique_ptr<Slot[]> slots;
    };

    size_t shardMask_;
    size_t slotMask_;
    size_t slotsPerShard_;
    std::vector<Shard> shards_;
};

// One GCRA state shared by every request: a single atomic TAT updated by compare-and-swap.
class GlobalLimiter {
public:
    GcraDecision take(int64_t nowNs, const GcraParams& params);
    void reset() { tat_.store(0, std::memory_order_relaxed); }

private:
    alignas(64) std::atomic<int64_t> tat_{0};
};

}  // namespace rampart::limits
