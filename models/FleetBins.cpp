#include "models/FleetBins.h"

#include <algorithm>
#include <limits>

namespace rampart::console {

namespace {

using Values = std::array<double, FleetBins::ChannelCount>;

Values channels(const MetricSample& s) {
    Values v{};
    v[FleetBins::Requests] = s.requestsPerSecond;
    v[FleetBins::Allowed] = s.allowPerSecond;
    for (int r = 0; r < MetricSample::ReasonCount; ++r)
        v[FleetBins::DeniedFirst + r] = s.deniedPerSecond[r];
    v[FleetBins::Cpu] = s.cpuPercent;
    v[FleetBins::Rss] = s.rssBytes;
    v[FleetBins::P50] = s.p50Us;
    v[FleetBins::P95] = s.p95Us;
    v[FleetBins::P99] = s.p99Us;
    return v;
}

void contribute(FleetBins::Bin& bin, const Values& v) {
    for (int c = 0; c < FleetBins::FirstMaxChannel; ++c) bin.value[c] += v[c];
    for (int c = FleetBins::FirstMaxChannel; c < FleetBins::ChannelCount; ++c) {
        bin.value[c] = bin.contributors ? std::max(bin.value[c], v[c]) : v[c];
    }
    ++bin.contributors;
}

bool before(const MetricSample& s, qint64 timeMs) { return s.timeMs < timeMs; }

}  // namespace

qint64 FleetBins::floorDiv(qint64 a, qint64 b) {
    const qint64 q = a / b;
    return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
}

std::vector<FleetBins::Bin> FleetBins::compute(std::span<const NodeRing> nodes, qint64 binMs,
                                               qint64 firstBin, qint64 lastBin) {
    if (lastBin < firstBin) return {};
    std::vector<Bin> bins(size_t(lastBin - firstBin + 1));
    const qint64 rangeBegin = firstBin * binMs;
    const qint64 rangeEnd = (lastBin + 1) * binMs;
    for (const NodeRing& node : nodes) {
        const RingBuffer<MetricSample>& ring = *node.samples;
        const qint64 holdMs = node.intervalMs + node.intervalMs / 2;
        size_t i = ring.lowerBound(rangeBegin, before);
        // The sample before the range only feeds the hold of the first bins.
        const MetricSample* last = i > 0 ? &ring[i - 1] : nullptr;
        size_t fill = 0;  // the first bin this node has not filled yet
        Values sum{};
        int count = 0;
        const auto flush = [&](size_t at) {
            if (!count) return;
            for (double& v : sum) v /= count;
            contribute(bins[at], sum);
            fill = at + 1;
            sum = Values{};
            count = 0;
        };
        const auto holdUntil = [&](size_t stop) {  // fills [fill, stop) from `last` if recent
            if (!last) return;
            const Values held = channels(*last);
            for (; fill < stop; ++fill) {
                if (rangeBegin + qint64(fill) * binMs >= last->timeMs + holdMs) break;
                contribute(bins[fill], held);
            }
        };
        size_t bin = 0;
        qint64 binEnd = rangeBegin + binMs;
        for (; i < ring.size(); ++i) {
            const MetricSample& s = ring[i];
            if (s.timeMs >= rangeEnd) break;
            if (s.timeMs >= binEnd) {
                flush(bin);
                // Samples come once a bin or more often, so the next bin is the usual case and
                // needs no division.
                const size_t next =
                    s.timeMs < binEnd + binMs ? bin + 1 : size_t((s.timeMs - rangeBegin) / binMs);
                holdUntil(next);
                bin = next;
                fill = std::max(fill, bin);
                binEnd = rangeBegin + qint64(bin + 1) * binMs;
            }
            const Values v = channels(s);
            for (int c = 0; c < ChannelCount; ++c) sum[c] += v[c];
            ++count;
            last = &s;
        }
        flush(bin);
        holdUntil(bins.size());
    }
    return bins;
}

void FleetBins::noteAppend(qint64 timeMs) {
    if (m_valid && floorDiv(timeMs, m_binMs) < m_tailFirstBin) invalidate();
}

void FleetBins::invalidate() {
    m_valid = false;
    m_settled.clear();
    m_tail.clear();
}

void FleetBins::update(std::span<const NodeRing> nodes, qint64 binMs, qint64 windowMs,
                       quint64 stamp) {
    if (binMs != m_binMs) {
        invalidate();
        m_binMs = binMs;
    }
    if (m_valid && stamp == m_stamp) return;

    qint64 newest = std::numeric_limits<qint64>::min();
    qint64 earliest = std::numeric_limits<qint64>::max();
    for (const NodeRing& node : nodes) {
        if (node.samples->empty()) continue;
        newest = std::max(newest, node.samples->back().timeMs);
        earliest = std::min(earliest, node.samples->front().timeMs);
    }
    if (earliest > newest) {
        invalidate();
        return;
    }
    qint64 oldestLive = newest;
    for (const NodeRing& node : nodes) {
        if (node.samples->empty()) continue;
        const qint64 latest = node.samples->back().timeMs;
        if (latest >= newest - kLiveMs) oldestLive = std::min(oldestLive, latest);
    }
    const qint64 settleThrough = floorDiv(oldestLive, binMs) - 1;
    const qint64 lastBin = floorDiv(newest, binMs);
    const qint64 windowFirst =
        std::max(floorDiv(newest - windowMs, binMs), floorDiv(earliest, binMs));

    if (!m_valid || windowFirst > m_tailFirstBin) {  // first use, or the clock leapt ahead
        m_settled.clear();
        m_firstBin = m_tailFirstBin = windowFirst;
        m_valid = true;
    }
    if (settleThrough >= m_tailFirstBin) {
        for (const Bin& bin : compute(nodes, binMs, m_tailFirstBin, settleThrough)) {
            m_settled.push_back(bin);
        }
        m_tailFirstBin = settleThrough + 1;
    }
    while (!m_settled.empty() && m_firstBin < windowFirst) {
        m_settled.pop_front();
        ++m_firstBin;
    }
    m_tail = compute(nodes, binMs, m_tailFirstBin, lastBin);
    m_stamp = stamp;
}

}  // namespace rampart::console
