#include "limits/LimiterTable.h"

#include <algorithm>
#include <bit>

namespace rampart::limits {
namespace {

// Tells the core it is spinning, so a waiting thread yields the pipeline (and on a hyperthread,
// the sibling) to the one it waits for.
inline void relax() {
#if defined(__x86_64__) || defined(__i386__)
    __builtin_ia32_pause();
#endif
}

}  // namespace

LimiterTable::LimiterTable(size_t maxKeys)
    // A power of two and at least twice the keys asked for. At a load of one half, an 8-slot
    // probe window almost never fills, so maxKeys live keys all keep their state (measured: at a
    // load of one, 10 % of a million live keys were evicted).
    : slotMask_(std::bit_ceil(std::max<size_t>(kProbe, 2 * maxKeys)) - 1),
      slots_(std::make_unique<Slot[]>(slotMask_ + 1)),
      counters_(std::make_unique<Counters[]>(kCounterLines)) {}

bool LimiterTable::lock(Slot& slot, uint64_t expected) {
    return slot.key.compare_exchange_strong(expected, expected | kLocked, std::memory_order_acquire,
                                            std::memory_order_relaxed);
}

GcraDecision LimiterTable::take(uint64_t key, int64_t nowNs, const GcraParams& params) {
    key &= ~kFlags;  // the top bits are the slot's lock; keys are hashes, so little is lost
    if (key == 0) key = 1;
    GcraDecision decision;
    while (!tryTake(key, nowNs, params, decision)) relax();
    return decision;
}

// One look at the key's probe window. Returns false when another thread changed a slot between
// the look and the compare-and-swap; the caller looks again.
//
// Two threads may insert the same new key at the same instant into different slots. Each claims
// its slot (kClaiming), then looks at the rest of the window: a slot that already holds the key,
// or a rival claim earlier in probe order, wins; a rival claim later in probe order is waited on
// until it settles. The loser empties its slot and looks again (finding the winner). Claims and
// those looks are sequentially consistent, so of two rivals the later to look always sees the
// other's claim: exactly one copy survives.
bool LimiterTable::tryTake(uint64_t key, int64_t nowNs, const GcraParams& params,
                           GcraDecision& decision) {
    const size_t home = key & slotMask_;
    Slot* empty = nullptr;
    Slot* idle = nullptr;
    uint64_t idleKey = 0;
    Slot* soonest = nullptr;
    uint64_t soonestKey = 0;
    int64_t soonestTat = 0;
    for (size_t i = 0; i < kProbe; ++i) {
        Slot& slot = slots_[(home + i) & slotMask_];
        const uint64_t seen = slot.key.load(std::memory_order_acquire);
        if ((seen & ~kFlags) == key) {
            if ((seen & kLocked) || !lock(slot, seen)) return false;  // busy with our key: wait
            decision = gcra(slot.tat.load(std::memory_order_relaxed), nowNs, params);
            slot.tat.store(decision.newTat, std::memory_order_relaxed);
            unlock(slot, key);
            return true;
        }
        if (seen == 0) {
            if (!empty) empty = &slot;
            continue;
        }
        if (seen & kLocked) continue;  // another key being updated: not one to replace now
        const int64_t tat = slot.tat.load(std::memory_order_relaxed);
        if (tat <= nowNs && !idle) {
            idle = &slot;
            idleKey = seen;
        }
        if (!soonest || tat < soonestTat) {
            soonest = &slot;
            soonestKey = seen;
            soonestTat = tat;
        }
    }

    Slot* target = empty ? empty : idle ? idle : soonest;
    const uint64_t replaced = empty ? 0 : idle ? idleKey : soonestKey;
    if (!target) return false;
    uint64_t expected = replaced;
    if (!target->key.compare_exchange_strong(expected, key | kFlags, std::memory_order_seq_cst,
                                             std::memory_order_relaxed)) {
        return false;
    }
    if (keyIsElsewhere(key, home, target)) {
        // Emptied rather than given back to the key it held: while claimed, the slot hid that
        // key from its own threads, which may have inserted it afresh elsewhere meanwhile.
        // Losing an idle key's state loses nothing; a live one's is an eviction.
        const bool evicted = replaced != 0 && target->tat.load(std::memory_order_relaxed) > nowNs;
        unlock(*target, 0);
        Counters& counters = counters_[(replaced >> 56) & (kCounterLines - 1)];
        if (replaced != 0) counters.used.fetch_sub(1, std::memory_order_relaxed);
        if (evicted) counters.evictions.fetch_add(1, std::memory_order_relaxed);
        return false;
    }
    // Read again under the lock: the key we replace may have been used since the look.
    const bool evicted = replaced != 0 && target->tat.load(std::memory_order_relaxed) > nowNs;
    decision = gcra(0, nowNs, params);
    target->tat.store(decision.newTat, std::memory_order_relaxed);
    unlock(*target, key);

    Counters& counters = counters_[(key >> 56) & (kCounterLines - 1)];
    if (replaced == 0) counters.used.fetch_add(1, std::memory_order_relaxed);
    if (evicted) counters.evictions.fetch_add(1, std::memory_order_relaxed);
    return true;
}

bool LimiterTable::keyIsElsewhere(uint64_t key, size_t home, const Slot* claimed) const {
    const size_t claimedAt = (static_cast<size_t>(claimed - slots_.get()) - home) & slotMask_;
    for (size_t i = 0; i < kProbe; ++i) {
        if (i == claimedAt) continue;
        const Slot& slot = slots_[(home + i) & slotMask_];
        uint64_t seen = slot.key.load(std::memory_order_seq_cst);
        // A rival claim later in probe order may already have looked at our slot before we
        // claimed it, and decided it won: wait for it to settle. It never waits for us (it
        // yields to an earlier claim at once), so the wait always ends.
        while (i > claimedAt && seen == (key | kFlags)) {
            relax();
            seen = slot.key.load(std::memory_order_seq_cst);
        }
        if ((seen & ~kFlags) != key) continue;
        // An established copy always wins; of two claims, the one earlier in probe order.
        if (!(seen & kClaiming) || i < claimedAt) return true;
    }
    return false;
}

TableStats LimiterTable::stats() const {
    TableStats stats;
    stats.capacity = slotMask_ + 1;
    stats.memoryBytes = stats.capacity * sizeof(Slot) + kCounterLines * sizeof(Counters);
    for (size_t i = 0; i < kCounterLines; ++i) {
        stats.keys += counters_[i].used.load(std::memory_order_relaxed);
        stats.evictions += counters_[i].evictions.load(std::memory_order_relaxed);
    }
    return stats;
}

void LimiterTable::clear() {
    for (size_t i = 0; i <= slotMask_; ++i) {
        slots_[i].key.store(0, std::memory_order_relaxed);
        slots_[i].tat.store(0, std::memory_order_relaxed);
    }
    for (size_t i = 0; i < kCounterLines; ++i) {
        counters_[i].used.store(0, std::memory_order_relaxed);
        counters_[i].evictions.store(0, std::memory_order_relaxed);
    }
}

}  // namespace rampart::limits
