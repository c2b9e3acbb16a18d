#pragma once

#include <QtGlobal>
#include <algorithm>
#include <array>
#include <deque>
#include <span>
#include <vector>

#include "models/MetricSample.h"
#include "models/RingBuffer.h"

namespace rampart::console {

// The fleet aggregate of the nodes' samples on common time bins, for TimeSeriesStore.
//
// A node's value in a bin is the mean of its samples there; a node with no sample in a bin holds
// its previous sample if that is under 1.5 of its intervals old (so report jitter and the
// still-filling last bin do not show as dips). Across nodes a bin keeps sums (rates, CPU,
// memory), maxima (latencies: the worst node) and the number of nodes that contributed.
//
// A sample only changes its own bin and later ones, and every node's next sample is newer than
// its latest, so bins before the oldest latest sample of the nodes still reporting can no longer
// change. Those are computed once and kept ("settled"); each query recomputes only the bins after
// them, a few per node. A sample that lands in a settled bin anyway (a node whose clock lags by
// more than kLiveMs) and any change to the set of nodes or their intervals start over.
// The result is what computing every bin from the samples would give, except that a settled bin
// keeps contributions from samples a node's ring has since overwritten.
class FleetBins {
public:
    // Sums first, then maxima.
    enum Channel {
        Requests,
        Allowed,
        DeniedFirst,
        Cpu = DeniedFirst + MetricSample::ReasonCount,
        Rss,
        P50,
        P95,
        P99,
        ChannelCount,
        FirstMaxChannel = P50,
    };

    struct Bin {
        std::array<double, ChannelCount> value{};
        int contributors = 0;
    };

    struct NodeRing {
        const RingBuffer<MetricSample>* samples;
        qint64 intervalMs;
    };

    // A node whose latest sample is this far behind the newest of any node is not waited for.
    static constexpr qint64 kLiveMs = 60'000;

    // Bins [firstBin, lastBin] (bin k covers [k × binMs, (k + 1) × binMs)) computed from scratch.
    static std::vector<Bin> compute(std::span<const NodeRing> nodes, qint64 binMs, qint64 firstBin,
                                    qint64 lastBin);

    // Brings the bins up to date with `nodes` — `stamp` changes whenever a sample was appended —
    // and calls visit(binStartMs, bin) for each bin overlapping [fromMs, toMs] that has a
    // contributor, oldest first. Bins are kept for windowMs behind the newest sample.
    template <typename Visit>
    void visit(std::span<const NodeRing> nodes, qint64 binMs, qint64 windowMs, quint64 stamp,
               qint64 fromMs, qint64 toMs, Visit&& visit) {
        update(nodes, binMs, windowMs, stamp);
        if (!m_valid || fromMs > toMs) return;
        const qint64 first = std::max(floorDiv(fromMs, m_binMs), m_firstBin);
        const qint64 last =
            std::min(floorDiv(toMs, m_binMs), m_tailFirstBin + qint64(m_tail.size()) - 1);
        for (qint64 k = first; k <= last; ++k) {
            const Bin& bin = k < m_tailFirstBin ? m_settled[size_t(k - m_firstBin)]
                                                : m_tail[size_t(k - m_tailFirstBin)];
            if (bin.contributors) visit(k * m_binMs, bin);
        }
    }

    // A sample at timeMs was appended; if it lands in a settled bin, those bins start over.
    void noteAppend(qint64 timeMs);
    // Forget everything (a node removed, a node's interval changed).
    void invalidate();

    // Bins held: settled ones (at most windowMs / binMs + 1) and the recomputed tail.
    size_t heldBins() const { return m_settled.size() + m_tail.size(); }

    static qint64 floorDiv(qint64 a, qint64 b);

private:
    void update(std::span<const NodeRing> nodes, qint64 binMs, qint64 windowMs, quint64 stamp);

    bool m_valid = false;
    qint64 m_binMs = 0;
    quint64 m_stamp = 0;
    qint64 m_firstBin = 0;      // absolute index of m_settled.front()
    std::deque<Bin> m_settled;  // bins [m_firstBin, m_tailFirstBin)
    qint64 m_tailFirstBin = 0;
    std::vector<Bin> m_tail;  // bins [m_tailFirstBin, newest sample's bin], recomputed per stamp
};

}  // namespace rampart::console
