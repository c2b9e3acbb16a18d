#pragma once

#include <QHash>
#include <QList>
#include <QObject>
#include <QPair>
#include <QPointF>
#include <QString>
#include <QStringList>
#include <cstddef>

#include "models/FleetBins.h"
#include "models/MetricSample.h"
#include "models/RingBuffer.h"
#include "rpc/client/FleetTypes.h"

namespace rampart::console {

// The console's chart data: per node, the last 60 minutes of snapshots in a fixed-capacity ring
// (capacity = 60 min at the node's snapshot interval, at most 36,000 samples), so memory is flat
// once the window is full. Answers the charts' questions — one node or the fleet aggregate, over a
// time range, decimated to the chart's pixel width — and the overview strip's latest totals.
//
// Units of series() values: rates per second; SuccessPercent and Cpu in percent (Cpu is the
// agent's process CPU, percent of one core, the figure its scaling recommendation uses);
// latencies in milliseconds; MemoryMb in megabytes (10^6 bytes) of resident memory.
// x values are milliseconds since the Unix epoch.
class TimeSeriesStore : public QObject {
    Q_OBJECT
public:
    enum class Metric {
        Requests,
        Allowed,
        Denied,
        DeniedInvalid,
        DeniedExpired,
        DeniedRevoked,
        DeniedRateIp,
        DeniedRateUser,
        DeniedRateGlobal,
        DeniedBlocked,
        SuccessPercent,
        LatencyP50,
        LatencyP95,
        LatencyP99,
        Cpu,
        MemoryMb,
    };
    Q_ENUM(Metric)

    // One stored snapshot (see MetricSample); deniedPerSecond is indexed by Sample::Reason.
    using Sample = MetricSample;

    // Overview strip figures. Rates are the fleet's sums, p99Us the worst node's.
    struct Totals {
        double requestsPerSecond = 0;
        double successPercent = 100;  // 100 when there was no traffic: nothing failed
        double p99Us = 0;
        double deniedPerSecond = 0;
    };

    static constexpr qint64 kWindowMs = 60 * 60 * 1000;
    static constexpr size_t kMaxSamplesPerNode = 36'000;
    static constexpr qint64 kMinBinMs = 1000;

    explicit TimeSeriesStore(QObject* parent = nullptr);
    ~TimeSeriesStore() override;

    // Stores one snapshot. A snapshot not newer than the node's latest is dropped (a repeat after a
    // reconnect, or a clock stepping back), which keeps each ring ordered by time. A node whose
    // snapshot interval changes keeps its newest samples in a ring resized for the new interval.
    void append(const QString& node, const fleet::Snapshot& s);
    void removeNode(const QString& node);
    QStringList nodes() const;  // sorted by name

    // Points (x = ms since epoch, y = value) of one node, or of the fleet aggregate when `node` is
    // empty, with fromMs <= x <= toMs. When more than maxPoints points fall in the range they are
    // cut into maxPoints / 2 buckets and each bucket gives its minimum and maximum in time order,
    // so a one-sample spike survives; maxPoints <= 0 returns every point.
    //
    // The fleet aggregate works on common bins (1 s, or the largest node interval if longer; x is
    // the bin's start, so the first may lie up to one bin before fromMs). A node's value in a bin
    // is the mean of its samples there; a node with no sample in a bin holds its previous value if
    // that is under 1.5 intervals old, so jitter and the still-filling last bin do not show as
    // dips (FleetBins). Across nodes: rates and memory are summed, latency is the worst node's,
    // CPU the average, SuccessPercent = allowed / requests × 100 of the sums (100 when there were
    // no requests). It covers the 60 minutes behind the newest sample. Settled bins are cached,
    // so a query costs about one pass over the bins in range, not over every node's samples.
    QList<QPointF> series(const QString& node, Metric m, qint64 fromMs, qint64 toMs,
                          int maxPoints) const;

    // The n nodes with the highest average of m over [fromMs, toMs], worst first; nodes without a
    // sample in the range are left out. For SuccessPercent the worst are the lowest, and a node's
    // figure is its allowed / requests over the range. Ties go by name.
    QStringList worstNodes(Metric m, qint64 fromMs, qint64 toMs, int n) const;

    // Fleet figures over (latestTimeMs() - windowMs, latestTimeMs()]: each node's mean over the
    // window, rates summed across nodes, p99 the worst node's.
    Totals latest(qint64 windowMs = 5000) const;

    qint64 latestTimeMs() const;                   // newest sample of any node; 0 when empty
    size_t sampleCount() const;                    // samples held across all nodes
    size_t capacityOf(const QString& node) const;  // the node's ring capacity; 0 if unknown

    // One row per distinct x across the series (ascending), a column per series, empty where a
    // series has no point at that x: header "time_iso,<name>...", CRLF line ends, RFC 4180 quoting.
    static QString toCsv(const QList<QPair<QString, QList<QPointF>>>& namedSeries);

    // The value of m for one stored sample (SuccessPercent is 100 when there were no requests).
    static double valueOf(const Sample& s, Metric m);

signals:
    void appended(const QString& node);

private:
    struct NodeSeries {
        RingBuffer<Sample> samples;
        qint64 intervalMs = 1000;
    };

    QList<QPointF> fleetSeries(Metric m, qint64 fromMs, qint64 toMs) const;
    static size_t capacityFor(qint64 intervalMs);

    QHash<QString, NodeSeries> m_nodes;
    quint64 m_changes = 0;          // bumped on every change, so the fleet bins know they are stale
    mutable FleetBins m_fleetBins;  // a cache: filled by const queries
};

}  // namespace rampart::console
