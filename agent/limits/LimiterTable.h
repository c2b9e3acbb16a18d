#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <vector>

#include "limits/Gcra.h"

namespace rampart::limits {

struct TableStats {
    size_t keys = 0;         // slots in use (some may be idle and reusable)
    size_t capacity = 0;     // slots: at least twice the keys asked for, so those all fit
    uint64_t evictions = 0;  // live keys pushed out to make room (a flood of distinct keys)
    size_t memoryBytes = 0;
};

// GCRA state for many keys (client IPs, subjects) in fixed memory: 16-byte slots, preallocated,
// never growing. A key lives in a short probe window of an open-addressed array; a new key takes
// an empty slot, else an idle one (TAT in the past: nothing lost), else the one whose limit
// expires soonest. So a flood of spoofed addresses can cost accuracy for the evicted keys, never
// memory.
//
// Each slot is its own lock: one bit of its key word, taken with a compare-and-swap on the cache
// line the decision touches anyway. Threads only ever meet on a key they both use, never on a
// lock that guards many keys, so a second thread does not slow the first.
//
// A key lives in at most one slot, so its limit is exact (burst + rate·t) however many threads
// take from it: a thread inserting a new key claims a slot, then looks for a rival claim of the
// same key in the window (see tryTake).
class LimiterTable {
public:
    explicit LimiterTable(size_t maxKeys);

    GcraDecision take(uint64_t key, int64_t nowNs, const GcraParams& params);
    TableStats stats() const;
    // Not safe against concurrent take(): for tests and for resetting a table nobody uses.
    void clear();

private:
    struct Slot {
        std::atomic<uint64_t> key{0};  // 0: empty; kLocked set while a thread updates the slot
        std::atomic<int64_t> tat{0};
    };
    static_assert(sizeof(Slot) == 16);
    static constexpr uint64_t kLocked = uint64_t{1} << 63;
    // Set with kLocked while a thread inserts the key: the slot is not yet the key's home.
    static constexpr uint64_t kClaiming = uint64_t{1} << 62;
    static constexpr uint64_t kFlags = kLocked | kClaiming;
    static constexpr size_t kProbe = 8;  // slots searched per key: two cache lines

    // Counters for stats(), spread over several cache lines so a flood of new keys on two
    // threads does not funnel through one.
    struct alignas(64) Counters {
        std::atomic<uint64_t> used{0};
        std::atomic<uint64_t> evictions{0};
    };
    static constexpr size_t kCounterLines = 16;

    // Locks `slot` if it still holds `expected`; returns false if another thread changed it.
    static bool lock(Slot& slot, uint64_t expected);
    static void unlock(Slot& slot, uint64_t key) { slot.key.store(key, std::memory_order_release); }
    bool tryTake(uint64_t key, int64_t nowNs, const GcraParams& params, GcraDecision& decision);
    // After claiming `claimed` for `key`: whether another slot of the window holds or wins `key`.
    bool keyIsElsewhere(uint64_t key, size_t home, const Slot* claimed) const;

    size_t slotMask_;
    std::unique_ptr<Slot[]> slots_;
    std::unique_ptr<Counters[]> counters_;
};

}  // namespace rampart::limits
