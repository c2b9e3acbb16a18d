#include "limits/LimiterTable.h"

#include <bit>
#include <thread>

namespace rampart::limits {
namespace {

class SpinGuard {
public:
    explicit SpinGuard(std::atomic_flag& flag) : flag_(flag) {
        while (flag_.test_and_set(std::memory_order_acquire)) {
            while (flag_.test(std::memory_order_relaxed)) {
            }
        }
    }
    ~SpinGuard() { flag_.clear(std::memory_order_release); }

private:
    std::atomic_flag& flag_;
};

}  // namespace

LimiterTable::LimiterTable(size_t maxKeys, size_t shardCount) {
    const size_t shards = std::bit_ceil(std::max<size_t>(1, std::min(shardCount, maxKeys / 64 + 1)));
    // Slots per shard: a power of two and at least twice the keys asked for. At a load of one
    // half, an 8-slot probe window almost never fills, so maxKeys live keys all keep their state
    // (measured: at a load of one, 10 % of a million live keys were evicted).
    slotsPerShard_ = std::bit_ceil(std::max<size_t>(kProbe, (2 * maxKeys + shards - 1) / shards));
    shardMask_ = shards - 1;
    slotMask_ = slotsPerShard_ - 1;
    shards_ = std::vector<Shard>(shards);
    for (auto& shard : shards_) {
        shard.slots = std::make_unique<Slot[]>(slotsPerShard_);  // zeroed: all empty
    }
}

GcraDecision LimiterTable::take(uint64_t key, int64_t nowNs, const GcraParams& params) {
    Shard& shard = shards_[key & shardMask_];
    const size_t home = (key >> 20) & slotMask_;
    SpinGuard guard(shard.lock);
    Slot* empty = nullptr;
    Slot* idle = nullptr;
    Slot* soonest = nullptr;
    for (size_t i = 0; i < kProbe; ++i) {
        Slot& slot = shard.slots[(home + i) & slotMask_];
        if (slot.key == key) {
            auto decision = gcra(slot.tat, nowNs, params);
            slot.tat = decision.newTat;
            return decision;
        }
        if (slot.key == 0) {
            if (!empty) empty = &slot;
            continue;
        }
        if (slot.tat <= nowNs && !idle) idle = &slot;
        if (!soonest || slot.tat < soonest->tat) soonest = &slot;
    }
    Slot* target = empty ? empty : idle ? idle : soonest;
    if (empty) {
        ++shard.used;
    } else if (!idle) {
        ++shard.evictions;
    }
    auto decision = gcra(0, nowNs, params);
    target->key = key;
    target->tat = decision.newTat;
    return decision;
}

TableStats LimiterTable::stats() const {
    TableStats stats;
    stats.capacity = shards_.size() * slotsPerShard_;
    stats.memoryBytes = stats.capacity * sizeof(Slot) + shards_.size() * sizeof(Shard);
    for (const auto& shard : shards_) {
        // Racy reads of plain counters are fine for reporting; these are only ever incremented.
        stats.keys += __atomic_load_n(&shard.used, __ATOMIC_RELAXED);
        stats.evictions += __atomic_load_n(&shard.evictions, __ATOMIC_RELAXED);
    }
    return stats;
}

void LimiterTable::clear() {
    for (auto& shard : shards_) {
        SpinGuard guard(shard.lock);
        std::fill_n(shard.slots.get(), slotsPerShard_, Slot{0, 0});
        shard.used = 0;
    }
}

GcraDecision GlobalLimiter::take(int64_t nowNs, const GcraParams& params) {
    int64_t stored = tat_.load(std::memory_order_relaxed);
    while (true) {
        auto decision = gcra(stored, nowNs, params);
        if (decision.newTat == stored && !decision.allowed) return decision;  // nothing to store
        if (tat_.compare_exchange_weak(stored, decision.newTat, std::memory_order_relaxed)) {
            return decision;
        }
    }
}

}  // namespace rampart::limits
