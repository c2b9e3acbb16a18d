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
    using R = MetricSample;
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
        m_fleetBins.invalidate();
    }

    const double perSecond = s.intervalMs ? 1000.0 / s.intervalMs : 0;
    const auto rate = [perSecond](uint64_t count) { return float(double(count) * perSecond); };
    Sample sample;
    sample.timeMs = s.timeUnixMs;
    sample.requestsPerSecond = rate(s.interval.total());
    sample.allowPerSecond = rate(s.interval.allow);
    sample.deniedPerSecond[Sample::Invalid] = rate(s.interval.invalidToken);
    sample.deniedPerSecond[Sample::Expired] = rate(s.interval.expired);
    sample.deniedPerSecond[Sample::Revoked] = rate(s.interval.revoked);
    sample.deniedPerSecond[Sample::RateIp] = rate(s.interval.rateLimitedIp);
    sample.deniedPerSecond[Sample::RateUser] = rate(s.interval.rateLimitedUser);
    sample.deniedPerSecond[Sample::RateGlobal] = rate(s.interval.rateLimitedGlobal);
    sample.deniedPerSecond[Sample::Blocked] = rate(s.interval.blocked);
    sample.p50Us = float(s.p50Us);
    sample.p95Us = float(s.p95Us);
    sample.p99Us = float(s.p99Us);
    sample.cpuPercent = float(s.processCpuPercent);
    sample.rssBytes = float(s.rssBytes);
    it->samples.push(sample);
    ++m_changes;
    m_fleetBins.noteAppend(sample.timeMs);
    emit appended(node);
}

void TimeSeriesStore::removeNode(const QString& node) {
    if (!m_nodes.remove(node)) return;
    ++m_changes;
    m_fleetBins.invalidate();
}

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
        return decimate(
            size_t(bins.size()), [&](size_t i) { return bins[qsizetype(i)]; }, maxPoints);
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
    qint64 binMs = kMinBinMs;
    std::vector<FleetBins::NodeRing> rings;
    rings.reserve(size_t(m_nodes.size()));
    for (const NodeSeries& n : m_nodes) {
        if (n.samples.empty()) continue;
        binMs = std::max(binMs, n.intervalMs);
        rings.push_back({&n.samples, n.intervalMs});
    }
    const auto valueOf = [m](const FleetBins::Bin& bin) -> double {
        const auto& v = bin.value;
        switch (m) {
            case Metric::Requests:
                return v[FleetBins::Requests];
            case Metric::Allowed:
                return v[FleetBins::Allowed];
            case Metric::Denied: {
                double sum = 0;
                for (int r = 0; r < Sample::ReasonCount; ++r) sum += v[FleetBins::DeniedFirst + r];
                return sum;
            }
            case Metric::DeniedInvalid:
            case Metric::DeniedExpired:
            case Metric::DeniedRevoked:
            case Metric::DeniedRateIp:
            case Metric::DeniedRateUser:
            case Metric::DeniedRateGlobal:
            case Metric::DeniedBlocked:
                return v[FleetBins::DeniedFirst + (int(m) - int(Metric::DeniedInvalid))];
            case Metric::SuccessPercent:
                return v[FleetBins::Requests] > 0
                           ? 100.0 * v[FleetBins::Allowed] / v[FleetBins::Requests]
                           : 100.0;
            case Metric::LatencyP50:
                return v[FleetBins::P50] / 1000;
            case Metric::LatencyP95:
                return v[FleetBins::P95] / 1000;
            case Metric::LatencyP99:
                return v[FleetBins::P99] / 1000;
            case Metric::Cpu:
                return v[FleetBins::Cpu] / bin.contributors;
            case Metric::MemoryMb:
                return v[FleetBins::Rss] / 1e6;
        }
        return 0;
    };
    QList<QPointF> points;
    m_fleetBins.visit(rings, binMs, kWindowMs, m_changes, fromMs, toMs,
                      [&](qint64 startMs, const FleetBins::Bin& bin) {
                          points.append(QPointF(double(startMs), valueOf(bin)));
                      });
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
