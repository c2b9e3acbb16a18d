#include "models/TimeSeriesStore.h"

#include <QMap>
#include <algorithm>
#include <cmath>
#include <limits>
#include <vector>

#include "models/Csv.h"

namespace rampart::console {

namespace {

using Sample = TimeSeriesStore::Sample;
using Metric = TimeSeriesStore::Metric;

// Calls f with a getter (const Sample&) -> double for m; the getter is a distinct lambda per metric
// so the loops that use it compile without a switch per sample.
template <typename F>
decltype(auto) withGetter(Metric m, F&& f) {
    using R = TimeSeriesStore;
    switch (m) {
        case Metric::Requests:
            return f([](const Sample& s) { return double(s.requestsPerSecond); });
        case Metric::Allowed:
            return f([](const Sample& s) { return double(s.allowPerSecond); });
        case Metric::Denied:
            return f([](const Sample& s) {
                double sum = 0;
                for (float d : s.deniedPerSecond) sum += d;
                return sum;
            });
        case Metric::DeniedInvalid:
            return f([](const Sample& s) { return double(s.deniedPerSecond[R::Invalid]); });
        case Metric::DeniedExpired:
            return f([](const Sample& s) { return double(s.deniedPerSecond[R::Expired]); });
        case Metric::DeniedRevoked:
            return f([](const Sample& s) { return double(s.deniedPerSecond[R::Revoked]); });
        case Metric::DeniedRateIp:
            return f([](const Sample& s) { return double(s.deniedPerSecond[R::RateIp]); });
        case Metric::DeniedRateUser:
            return f([](const Sample& s) { return double(s.deniedPerSecond[R::RateUser]); });
        case Metric::DeniedRateGlobal:
            return f([](const Sample& s) { return double(s.deniedPerSecond[R::RateGlobal]); });
        case Metric::DeniedBlocked:
            return f([](const Sample& s) { return double(s.deniedPerSecond[R::Blocked]); });
        case Metric::SuccessPercent:
            return f([](const Sample& s) {
                return s.requestsPerSecond > 0 ? 100.0 * s.allowPerSecond / s.requestsPerSecond
                                               : 100.0;
            });
        case Metric::LatencyP50:
            return f([](const Sample& s) { return s.p50Us / 1000.0; });
        case Metric::LatencyP95:
            return f([](const Sample& s) { return s.p95Us / 1000.0; });
        case Metric::LatencyP99:
            return f([](const Sample& s) { return s.p99Us / 1000.0; });
        case Metric::Cpu:
            return f([](const Sample& s) { return double(s.cpuPercent); });
        case Metric::MemoryMb:
            return f([](const Sample& s) { return s.rssBytes / 1e6; });
    }
    return f([](const Sample&) { return 0.0; });
}

enum class Combine { Sum, Max, Mean };

Combine combineFor(Metric m) {
    switch (m) {
        case Metric::LatencyP50:
        case Metric::LatencyP95:
        case Metric::LatencyP99:
            return Combine::Max;
        case Metric::Cpu:
            return Combine::Mean;
        default:
            return Combine::Sum;
    }
}

qint64 floorDiv(qint64 a, qint64 b) {
    const qint64 q = a / b;
    return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
}

// Min/max decimation of n points given by pointAt(i) (ordered by x): at most maxPoints points, a
// bucket's extremes in their original order so peaks and troughs both survive.
template <typename PointAt>
QList<QPointF> decimate(size_t n, PointAt pointAt, int maxPoints) {
    QList<QPointF> out;
    if (maxPoints <= 0 || n <= size_t(maxPoints)) {
        out.reserve(qsizetype(n));
        for (size_t i = 0; i < n; ++i) out.append(pointAt(i));
        return out;
    }
    const size_t buckets = maxPoints >= 2 ? size_t(maxPoints / 2) : 1;
    out.reserve(maxPoints);
    for (size_t b = 0; b < buckets; ++b) {
        const size_t begin = b * n / buckets;
        const size_t end = (b + 1) * n / buckets;
        size_t minAt = begin, maxAt = begin;
        QPointF minP = pointAt(begin), maxP = minP;
        for (size_t i = begin + 1; i < end; ++i) {
            const QPointF p = pointAt(i);
            if (p.y() < minP.y()) minP = p, minAt = i;
            if (p.y() > maxP.y()) maxP = p, maxAt = i;
        }
        if (maxPoints < 2) {
            out.append(maxP);
        } else if (minAt == maxAt) {
            out.append(minP);
        } else if (minAt < maxAt) {
            out.append(minP), out.append(maxP);
        } else {
            out.append(maxP), out.append(minP);
        }
    }
    return out;
}

bool before(const Sample& s, qint64 timeMs) { return s.timeMs < timeMs; }

}  // namespace

TimeSeriesStore::TimeSeriesStore(QObject* parent) : QObject(parent) {}

TimeSeriesStore::~TimeSeriesStore() = default;

size_t TimeSeriesStore::capacityFor(qint64 intervalMs) {
    const qint64 samples = (kWindowMs + intervalMs - 1) / intervalMs;
    return size_t(std::min<qint64>(samples, qint64(kMaxSamplesPerNode)));
}

void TimeSeriesStore::append(const QString& node, const fleet::Snapshot& s) {
    const qint64 intervalMs = s.intervalMs ? qint64(s.intervalMs) : 1000;
    auto it = m_nodes.find(node);
    if (it == m_nodes.end()) {
        it = m_nodes.insert(node, NodeSeries{});
        it->samples.reset(capacityFor(intervalMs));
        it->intervalMs = intervalMs;
    } else if (!it->samples.empty() && s.timeUnixMs <= it->samples.back().timeMs) {
        return;
    } else if (intervalMs != it->intervalMs) {
        it->samples.resize(capacityFor(intervalMs));
        it->intervalMs = intervalMs;
    }

    const double perSecond = s.intervalMs ? 1000.0 / s.intervalMs : 0;
    const auto rate = [perSecond](uint64_t count) { return float(double(count) * perSecond); };
    Sample sample;
    sample.timeMs = s.timeUnixMs;
    sample.requestsPerSecond = rate(s.interval.total());
    sample.allowPerSecond = rate(s.interval.allow);
    sample.deniedPerSecond[Invalid] = rate(s.interval.invalidToken);
    sample.deniedPerSecond[Expired] = rate(s.interval.expired);
    sample.deniedPerSecond[Revoked] = rate(s.interval.revoked);
    sample.deniedPerSecond[RateIp] = rate(s.interval.rateLimitedIp);
    sample.deniedPerSecond[RateUser] = rate(s.interval.rateLimitedUser);
    sample.deniedPerSecond[RateGlobal] = rate(s.interval.rateLimitedGlobal);
    sample.deniedPerSecond[Blocked] = rate(s.interval.blocked);
    sample.p50Us = float(s.p50Us);
    sample.p95Us = float(s.p95Us);
    sample.p99Us = float(s.p99Us);
    sample.cpuPercent = float(s.processCpuPercent);
    sample.rssBytes = float(s.rssBytes);
    it->samples.push(sample);
    emit appended(node);
}

void TimeSeriesStore::removeNode(const QString& node) { m_nodes.remove(node); }

QStringList TimeSeriesStore::nodes() const {
    QStringList names = m_nodes.keys();
    names.sort();
    return names;
}

double TimeSeriesStore::valueOf(const Sample& s, Metric m) {
    return withGetter(m, [&](auto get) { return get(s); });
}

QList<QPointF> TimeSeriesStore::series(const QString& node, Metric m, qint64 fromMs, qint64 toMs,
                                       int maxPoints) const {
    if (fromMs > toMs) return {};
    if (node.isEmpty()) {
        const QList<QPointF> bins = fleetSeries(m, fromMs, toMs);
        return decimate(size_t(bins.size()), [&](size_t i) { return bins[qsizetype(i)]; },
                        maxPoints);
    }
    const auto it = m_nodes.constFind(node);
    if (it == m_nodes.constEnd()) return {};
    const RingBuffer<Sample>& ring = it->samples;
    const size_t begin = ring.lowerBound(fromMs, before);
    const size_t end = ring.lowerBound(toMs + 1, before);
    if (begin >= end) return {};
    return withGetter(m, [&](auto get) {
        return decimate(
            end - begin,
            [&](size_t i) {
                const Sample& s = ring[begin + i];
                return QPointF(double(s.timeMs), get(s));
            },
            maxPoints);
    });
}

QList<QPointF> TimeSeriesStore::fleetSeries(Metric m, qint64 fromMs, qint64 toMs) const {
    if (m_nodes.isEmpty()) return {};
    qint64 binMs = kMinBinMs;
    qint64 dataFrom = std::numeric_limits<qint64>::max();
    qint64 dataTo = std::numeric_limits<qint64>::min();
    for (const NodeSeries& n : m_nodes) {
        if (n.samples.empty()) continue;
        binMs = std::max(binMs, n.intervalMs);
        dataFrom = std::min(dataFrom, n.samples.front().timeMs);
        dataTo = std::max(dataTo, n.samples.back().timeMs);
    }
    const qint64 lo = std::max(fromMs, dataFrom);
    const qint64 hi = std::min(toMs, dataTo);
    if (lo > hi) return {};
    // Nodes whose clocks disagree by hours could ask for an absurd number of bins; widen them.
    constexpr qint64 kMaxBins = 4 * qint64(kMaxSamplesPerNode);
    if ((hi - lo) / binMs >= kMaxBins) binMs = (hi - lo) / kMaxBins + 1;

    const qint64 firstBin = floorDiv(lo, binMs);
    const size_t binCount = size_t(floorDiv(hi, binMs) - firstBin + 1);
    const qint64 rangeBegin = firstBin * binMs;
    const qint64 rangeEnd = rangeBegin + qint64(binCount) * binMs;

    const bool ratio = m == Metric::SuccessPercent;
    const Combine combine = ratio ? Combine::Sum : combineFor(m);
    // For SuccessPercent `a` accumulates allowed and `b` requests; otherwise only `a` is used.
    std::vector<double> a(binCount, 0.0), b(ratio ? binCount : 0, 0.0);
    std::vector<int> contributors(binCount, 0);

    const auto accumulate = [&](auto getA, auto getB) {
        for (const NodeSeries& n : m_nodes) {
            const RingBuffer<Sample>& ring = n.samples;
            size_t i = ring.lowerBound(rangeBegin, before);
            const qint64 holdMs = n.intervalMs + n.intervalMs / 2;
            // The sample before the range only feeds the hold of the first bins.
            const Sample* last = i > 0 ? &ring[i - 1] : nullptr;
            size_t fill = 0;  // the first bin this node has not filled yet
            double sumA = 0, sumB = 0;
            int count = 0;
            const auto add = [&](size_t at, double va, double vb) {
                if (combine == Combine::Max) {
                    a[at] = contributors[at] ? std::max(a[at], va) : va;
                } else {
                    a[at] += va;
                    if (ratio) b[at] += vb;
                }
                ++contributors[at];
            };
            const auto flush = [&](size_t at) {
                if (!count) return;
                add(at, sumA / count, sumB / count);
                fill = at + 1;
                count = 0, sumA = 0, sumB = 0;
            };
            const auto holdUntil = [&](size_t stop) {  // fills [fill, stop) from `last` if recent
                if (!last) return;
                const double va = getA(*last), vb = getB(*last);
                for (; fill < stop; ++fill) {
                    if (rangeBegin + qint64(fill) * binMs >= last->timeMs + holdMs) break;
                    add(fill, va, vb);
                }
            };
            size_t bin = 0;
            qint64 binEnd = rangeBegin + binMs;
            for (; i < ring.size(); ++i) {
                const Sample& s = ring[i];
                if (s.timeMs >= rangeEnd) break;
                if (s.timeMs >= binEnd) {
                    flush(bin);
                    // Samples come once a bin or more often, so the next bin is the usual case
                    // and needs no division.
                    const size_t next = s.timeMs < binEnd + binMs
                                            ? bin + 1
                                            : size_t((s.timeMs - rangeBegin) / binMs);
                    holdUntil(next);
                    bin = next;
                    fill = std::max(fill, bin);
                    binEnd = rangeBegin + qint64(bin + 1) * binMs;
                }
                sumA += getA(s);
                sumB += getB(s);
                ++count;
                last = &s;
            }
            flush(bin);
            holdUntil(binCount);
        }
    };
    if (ratio) {
        accumulate([](const Sample& s) { return double(s.allowPerSecond); },
                   [](const Sample& s) { return double(s.requestsPerSecond); });
    } else {
        withGetter(m, [&](auto get) {
            accumulate(get, [](const Sample&) { return 0.0; });
            return 0;
        });
    }

    QList<QPointF> points;
    points.reserve(qsizetype(binCount));
    for (size_t k = 0; k < binCount; ++k) {
        if (!contributors[k]) continue;
        double y = a[k];
        if (ratio) y = b[k] > 0 ? 100.0 * a[k] / b[k] : 100.0;
        if (combine == Combine::Mean) y /= contributors[k];
        points.append(QPointF(double(rangeBegin + qint64(k) * binMs), y));
    }
    return points;
}

QStringList TimeSeriesStore::worstNodes(Metric m, qint64 fromMs, qint64 toMs, int n) const {
    struct Ranked {
        QString node;
        double value;
    };
    std::vector<Ranked> ranked;
    const bool ratio = m == Metric::SuccessPercent;
    for (auto it = m_nodes.constBegin(); it != m_nodes.constEnd(); ++it) {
        const RingBuffer<Sample>& ring = it->samples;
        const size_t begin = ring.lowerBound(fromMs, before);
        const size_t end = ring.lowerBound(toMs + 1, before);
        if (begin >= end) continue;
        double value = 0;
        if (ratio) {
            double allowed = 0, requests = 0;
            for (size_t i = begin; i < end; ++i) {
                allowed += ring[i].allowPerSecond;
                requests += ring[i].requestsPerSecond;
            }
            value = requests > 0 ? 100.0 * allowed / requests : 100.0;
        } else {
            value = withGetter(m, [&](auto get) {
                double sum = 0;
                for (size_t i = begin; i < end; ++i) sum += get(ring[i]);
                return sum / double(end - begin);
            });
        }
        ranked.push_back({it.key(), value});
    }
    std::sort(ranked.begin(), ranked.end(), [ratio](const Ranked& l, const Ranked& r) {
        if (l.value != r.value) return ratio ? l.value < r.value : l.value > r.value;
        return l.node < r.node;
    });
    QStringList out;
    for (size_t i = 0; i < ranked.size() && out.size() < n; ++i) out.append(ranked[i].node);
    return out;
}

TimeSeriesStore::Totals TimeSeriesStore::latest(qint64 windowMs) const {
    Totals totals;
    const qint64 newest = latestTimeMs();
    double allowed = 0;
    for (const NodeSeries& n : m_nodes) {
        const RingBuffer<Sample>& ring = n.samples;
        const size_t begin = ring.lowerBound(newest - windowMs + 1, before);
        if (begin >= ring.size()) continue;
        double requests = 0, allow = 0, denied = 0, p99 = 0;
        for (size_t i = begin; i < ring.size(); ++i) {
            const Sample& s = ring[i];
            requests += s.requestsPerSecond;
            allow += s.allowPerSecond;
            denied += valueOf(s, Metric::Denied);
            p99 += s.p99Us;
        }
        const double count = double(ring.size() - begin);
        totals.requestsPerSecond += requests / count;
        totals.deniedPerSecond += denied / count;
        allowed += allow / count;
        totals.p99Us = std::max(totals.p99Us, p99 / count);
    }
    totals.successPercent =
        totals.requestsPerSecond > 0 ? 100.0 * allowed / totals.requestsPerSecond : 100.0;
    return totals;
}

qint64 TimeSeriesStore::latestTimeMs() const {
    qint64 newest = 0;
    bool any = false;
    for (const NodeSeries& n : m_nodes) {
        if (n.samples.empty()) continue;
        newest = any ? std::max(newest, n.samples.back().timeMs) : n.samples.back().timeMs;
        any = true;
    }
    return newest;
}

size_t TimeSeriesStore::sampleCount() const {
    size_t count = 0;
    for (const NodeSeries& n : m_nodes) count += n.samples.size();
    return count;
}

size_t TimeSeriesStore::capacityOf(const QString& node) const {
    const auto it = m_nodes.constFind(node);
    return it == m_nodes.constEnd() ? 0 : it->samples.capacity();
}

QString TimeSeriesStore::toCsv(const QList<QPair<QString, QList<QPointF>>>& namedSeries) {
    // x -> one cell per series; QMap keeps the rows in time order.
    QMap<double, QStringList> rows;
    const qsizetype columns = namedSeries.size();
    QStringList header{u"time_iso"_qs};
    for (qsizetype c = 0; c < columns; ++c) {
        header.append(namedSeries[c].first);
        for (const QPointF& p : namedSeries[c].second) {
            QStringList& row = rows[p.x()];
            if (row.isEmpty()) row.resize(columns);
            row[c] = csv::number(p.y());
        }
    }
    QString out = csv::record(header);
    for (auto it = rows.constBegin(); it != rows.constEnd(); ++it) {
        QStringList fields{csv::isoTime(qint64(std::llround(it.key())))};
        fields.append(it.value());
        out += csv::record(fields);
    }
    return out;
}

}  // namespace rampart::console
