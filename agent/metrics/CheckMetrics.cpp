#include "metrics/CheckMetrics.h"

#include <algorithm>

namespace rampart::metrics {
namespace {

std::atomic<uint64_t> nextId{1};

}  // namespace

double latencyQuantileNs(const std::array<uint64_t, kLatencyBoundsNs.size()>& counts, double q) {
    uint64_t total = 0;
    for (auto c : counts) total += c;
    if (total == 0) return 0;
    const double rank = q * static_cast<double>(total);
    double seen = 0;
    for (size_t i = 0; i < counts.size(); ++i) {
        if (counts[i] == 0) continue;
        if (seen + static_cast<double>(counts[i]) >= rank) {
            const double low = i == 0 ? 0 : static_cast<double>(kLatencyBoundsNs[i - 1]);
            // The open last bucket reports its lower bound: there is nothing to interpolate to.
            if (i + 1 == counts.size()) return low;
            const double high = static_cast<double>(kLatencyBoundsNs[i]);
            return low + (high - low) * (rank - seen) / static_cast<double>(counts[i]);
        }
        seen += static_cast<double>(counts[i]);
    }
    return static_cast<double>(kLatencyBoundsNs[counts.size() - 2]);
}

CheckMetrics::CheckMetrics() : id_(nextId.fetch_add(1)) {}

CheckMetrics::Block& CheckMetrics::local() {
    // Keyed by a never-reused id, not the address, so a new instance at an old address cannot
    // inherit a stale block pointer.
    struct Cached {
        uint64_t owner = 0;
        Block* block = nullptr;
    };
    thread_local Cached cached;
    if (cached.owner == id_) return *cached.block;
    std::lock_guard lock(mutex_);
    blocks_.push_back(std::make_unique<Block>());
    cached = {id_, blocks_.back().get()};
    return *cached.block;
}

void CheckMetrics::recordCheck(Verdict verdict, int64_t latencyNs) {
    Block& b = local();
    bump(b.verdicts[static_cast<size_t>(verdict)]);
    const auto bucket = std::lower_bound(kLatencyBoundsNs.begin(), kLatencyBoundsNs.end(),
                                         latencyNs) - kLatencyBoundsNs.begin();
    bump(b.latencyBuckets[static_cast<size_t>(bucket)]);
    b.latencySumNs.store(b.latencySumNs.load(std::memory_order_relaxed) +
                             static_cast<uint64_t>(std::max<int64_t>(0, latencyNs)),
                         std::memory_order_relaxed);
}

CheckTotals CheckMetrics::totals() const {
    CheckTotals t;
    std::lock_guard lock(mutex_);
    for (const auto& b : blocks_) {
        for (size_t i = 0; i < t.verdicts.size(); ++i) t.verdicts[i] += b->verdicts[i].load();
        for (size_t i = 0; i < t.latencyBuckets.size(); ++i) {
            t.latencyBuckets[i] += b->latencyBuckets[i].load();
        }
        t.latencySumNs += b->latencySumNs.load();
        t.cacheHits += b->cacheHits.load();
        t.cacheMisses += b->cacheMisses.load();
        for (size_t i = 0; i < t.shadowDenials.size(); ++i) {
            t.shadowDenials[i] += b->shadowDenials[i].load();
        }
    }
    return t;
}

}  // namespace rampart::metrics
