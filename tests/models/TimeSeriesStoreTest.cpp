#include <QRandomGenerator>
#include <QSignalSpy>
#include <QtTest>
#include <algorithm>

#include "models/TimeSeriesStore.h"

using rampart::console::TimeSeriesStore;
using Metric = TimeSeriesStore::Metric;
namespace fleet = rampart::fleet;

namespace {

constexpr qint64 kT0 = 1'700'000'000'000;  // a whole second, so 1 s bins start at kT0

// A snapshot with the given per-second rates over its interval.
fleet::Snapshot snap(qint64 timeMs, uint32_t intervalMs, double allowPerSecond,
                     double invalidPerSecond = 0) {
    fleet::Snapshot s;
    s.timeUnixMs = timeMs;
    s.intervalMs = intervalMs;
    s.interval.allow = uint64_t(allowPerSecond * intervalMs / 1000);
    s.interval.invalidToken = uint64_t(invalidPerSecond * intervalMs / 1000);
    return s;
}

QList<double> ys(const QList<QPointF>& points) {
    QList<double> out;
    for (const QPointF& p : points) out.append(p.y());
    return out;
}

}  // namespace

class TimeSeriesStoreTest : public QObject {
    Q_OBJECT
private slots:
    void storesRatesPerReason();
    void sizesRingForSixtyMinutesCappedAt36000();
    void ringStaysFlatAfterTwiceCapacity();
    void dropsSnapshotsNotNewerThanTheLatest();
    void resizesRingWhenIntervalChanges();
    void seriesRespectsTimeRange();
    void returnsEveryPointWhenFewerThanMax();
    void decimationKeepsSingleSampleSpike();
    void decimationKeepsSingleSampleDip();
    void fleetSumsRatesOfThreeNodesInSameBins();
    void fleetLatencyIsWorstNodeCpuAverageMemorySum();
    void fleetSuccessPercentComesFromSums();
    void fleetHoldsNodeThroughJitterWithoutDip();
    void fleetDropsNodeThatStoppedReporting();
    void fleetSumsNodesWithDifferentIntervals();
    void fleetBinIsIntervalWhenLongerThanASecond();
    void fleetCacheMatchesComputingFromScratch();
    void fleetCacheStartsOverForLateSamples();
    void worstNodesOrdersByAverageInRange();
    void worstNodesBySuccessPercentAreTheLowest();
    void latestTotalsCoverTheMostRecentWindow();
    void removeNodeForgetsItsSamples();
    void toCsvAlignsRowsByTimeAndQuotes();
};

void TimeSeriesStoreTest::storesRatesPerReason() {
    TimeSeriesStore store;
    QSignalSpy appended(&store, &TimeSeriesStore::appended);
    fleet::Snapshot s = snap(kT0, 500, 0);
    s.interval.allow = 40;
    s.interval.expired = 5;
    s.interval.rateLimitedUser = 10;
    s.p50Us = 200;
    s.p95Us = 900;
    s.p99Us = 2500;
    s.processCpuPercent = 42;
    s.rssBytes = 64'000'000;
    store.append(u"a"_qs, s);

    QCOMPARE(appended.count(), 1);
    QCOMPARE(appended.at(0).at(0).toString(), u"a"_qs);
    const auto at = [&](Metric m) { return store.series(u"a"_qs, m, kT0, kT0, 10).value(0).y(); };
    QCOMPARE(at(Metric::Requests), 110.0);
    QCOMPARE(at(Metric::Allowed), 80.0);
    QCOMPARE(at(Metric::Denied), 30.0);
    QCOMPARE(at(Metric::DeniedExpired), 10.0);
    QCOMPARE(at(Metric::DeniedRateUser), 20.0);
    QCOMPARE(at(Metric::DeniedInvalid), 0.0);
    QCOMPARE(at(Metric::LatencyP50), 0.2);
    QCOMPARE(at(Metric::LatencyP95), 0.9);
    QCOMPARE(at(Metric::LatencyP99), 2.5);
    QCOMPARE(at(Metric::Cpu), 42.0);
    QCOMPARE(at(Metric::MemoryMb), 64.0);
    QVERIFY(qAbs(at(Metric::SuccessPercent) - 100.0 * 40 / 55) < 1e-4);
    QCOMPARE(store.latestTimeMs(), kT0);
    QCOMPARE(store.nodes(), QStringList{u"a"_qs});
}

void TimeSeriesStoreTest::sizesRingForSixtyMinutesCappedAt36000() {
    TimeSeriesStore store;
    store.append(u"second"_qs, snap(kT0, 1000, 1));
    store.append(u"tenth"_qs, snap(kT0, 100, 1));
    store.append(u"twentieth"_qs, snap(kT0, 50, 1));
    QCOMPARE(store.capacityOf(u"second"_qs), size_t(3600));
    QCOMPARE(store.capacityOf(u"tenth"_qs), size_t(36'000));
    QCOMPARE(store.capacityOf(u"twentieth"_qs), size_t(36'000));
    QCOMPARE(store.capacityOf(u"unknown"_qs), size_t(0));
}

void TimeSeriesStoreTest::ringStaysFlatAfterTwiceCapacity() {
    TimeSeriesStore store;
    const size_t capacity = 36'000;
    for (size_t i = 0; i < capacity; ++i)
        store.append(u"n"_qs, snap(kT0 + qint64(i) * 100, 100, 10));
    QCOMPARE(store.sampleCount(), capacity);
    for (size_t i = capacity; i < 2 * capacity; ++i) {
        store.append(u"n"_qs, snap(kT0 + qint64(i) * 100, 100, 10));
        if (store.sampleCount() != capacity) QFAIL("the ring grew past its capacity");
    }
    QCOMPARE(store.capacityOf(u"n"_qs), capacity);
    // The oldest half was overwritten: the first sample held is the (capacity + 1)th appended.
    const auto points = store.series(u"n"_qs, Metric::Requests, 0, kT0 * 2, 0);
    QCOMPARE(size_t(points.size()), capacity);
    QCOMPARE(points.first().x(), double(kT0 + qint64(capacity) * 100));
    QCOMPARE(points.last().x(), double(kT0 + qint64(2 * capacity - 1) * 100));
}

void TimeSeriesStoreTest::dropsSnapshotsNotNewerThanTheLatest() {
    TimeSeriesStore store;
    QSignalSpy appended(&store, &TimeSeriesStore::appended);
    store.append(u"n"_qs, snap(kT0 + 1000, 1000, 5));
    store.append(u"n"_qs, snap(kT0 + 1000, 1000, 7));  // repeat
    store.append(u"n"_qs, snap(kT0, 1000, 9));         // clock stepped back
    QCOMPARE(appended.count(), 1);
    QCOMPARE(store.sampleCount(), size_t(1));
    QCOMPARE(ys(store.series(u"n"_qs, Metric::Requests, 0, kT0 * 2, 10)), QList<double>{5});
}

void TimeSeriesStoreTest::resizesRingWhenIntervalChanges() {
    TimeSeriesStore store;
    for (int i = 0; i < 5000; ++i) store.append(u"n"_qs, snap(kT0 + i * 100, 100, 10));
    store.append(u"n"_qs, snap(kT0 + 5000 * 100 + 1000, 1000, 20));
    QCOMPARE(store.capacityOf(u"n"_qs), size_t(3600));
    QCOMPARE(store.sampleCount(), size_t(3600));
    const auto points = store.series(u"n"_qs, Metric::Requests, 0, kT0 * 2, 0);
    QCOMPARE(points.last().y(), 20.0);  // the newest samples are the ones kept
    QCOMPARE(points.first().x(), double(kT0 + (5000 - 3599) * 100));
}

void TimeSeriesStoreTest::seriesRespectsTimeRange() {
    TimeSeriesStore store;
    for (int i = 0; i < 10; ++i) store.append(u"n"_qs, snap(kT0 + i * 1000, 1000, i));
    const auto points = store.series(u"n"_qs, Metric::Requests, kT0 + 3000, kT0 + 5000, 100);
    QCOMPARE(ys(points), (QList<double>{3, 4, 5}));
    QCOMPARE(points.first().x(), double(kT0 + 3000));
    QVERIFY(store.series(u"n"_qs, Metric::Requests, kT0 + 5000, kT0 + 3000, 100).isEmpty());
    QVERIFY(store.series(u"other"_qs, Metric::Requests, 0, kT0 * 2, 100).isEmpty());
}

void TimeSeriesStoreTest::returnsEveryPointWhenFewerThanMax() {
    TimeSeriesStore store;
    for (int i = 0; i < 50; ++i) store.append(u"n"_qs, snap(kT0 + i * 1000, 1000, i));
    QCOMPARE(store.series(u"n"_qs, Metric::Requests, 0, kT0 * 2, 100).size(), 50);
    QCOMPARE(store.series(u"n"_qs, Metric::Requests, 0, kT0 * 2, 50).size(), 50);
}

void TimeSeriesStoreTest::decimationKeepsSingleSampleSpike() {
    TimeSeriesStore store;
    const int spikeAt = 1234;
    for (int i = 0; i < 3600; ++i) {
        store.append(u"n"_qs, snap(kT0 + i * 1000, 1000, i == spikeAt ? 10'000 : 100 + i % 7));
    }
    for (const QString& node : {u"n"_qs, QString()}) {  // the node, and the fleet aggregate
        const auto points = store.series(node, Metric::Requests, kT0, kT0 + 3'600'000, 100);
        QVERIFY(points.size() <= 100);
        QVERIFY(points.size() >= 90);
        const auto spike = std::max_element(points.begin(), points.end(),
                                            [](auto& l, auto& r) { return l.y() < r.y(); });
        QCOMPARE(spike->y(), 10'000.0);
        QCOMPARE(spike->x(), double(kT0 + spikeAt * 1000));
        QVERIFY(std::is_sorted(points.begin(), points.end(),
                               [](auto& l, auto& r) { return l.x() < r.x(); }));
    }
}

void TimeSeriesStoreTest::decimationKeepsSingleSampleDip() {
    TimeSeriesStore store;
    for (int i = 0; i < 3600; ++i)
        store.append(u"n"_qs, snap(kT0 + i * 1000, 1000, i == 77 ? 0 : 500));
    const auto points = store.series(u"n"_qs, Metric::Requests, kT0, kT0 + 3'600'000, 99);
    QVERIFY(points.size() <= 99);
    QVERIFY(ys(points).contains(0.0));
}

void TimeSeriesStoreTest::fleetSumsRatesOfThreeNodesInSameBins() {
    TimeSeriesStore store;
    // Each node reports once a second at its own phase within the second.
    for (int k = 0; k < 60; ++k) {
        store.append(u"a"_qs, snap(kT0 + k * 1000 + 100, 1000, 90, 10));
        store.append(u"b"_qs, snap(kT0 + k * 1000 + 400, 1000, 150, 50));
        store.append(u"c"_qs, snap(kT0 + k * 1000 + 900, 1000, 300));
    }
    const auto points = store.series({}, Metric::Requests, kT0, kT0 + 60'000, 1000);
    QCOMPARE(points.size(), 60);
    for (int k = 0; k < 60; ++k) {
        QCOMPARE(points[k].x(), double(kT0 + k * 1000));
        QCOMPARE(points[k].y(), 600.0);
    }
    QCOMPARE(ys(store.series({}, Metric::Denied, kT0, kT0 + 60'000, 1000)),
             QList<double>(60, 60.0));
    QCOMPARE(ys(store.series({}, Metric::DeniedInvalid, kT0, kT0 + 60'000, 1000)),
             QList<double>(60, 60.0));  // a 10, b 50
}

void TimeSeriesStoreTest::fleetLatencyIsWorstNodeCpuAverageMemorySum() {
    TimeSeriesStore store;
    const struct {
        const char* name;
        double p99Us, cpu;
        uint64_t rss;
    } nodes[] = {
        {"a", 1000, 10, 100'000'000}, {"b", 5000, 20, 200'000'000}, {"c", 2000, 60, 300'000'000}};
    for (int k = 0; k < 10; ++k) {
        for (const auto& n : nodes) {
            fleet::Snapshot s = snap(kT0 + k * 1000 + 500, 1000, 10);
            s.p99Us = n.p99Us;
            s.processCpuPercent = n.cpu;
            s.rssBytes = n.rss;
            store.append(QString::fromLatin1(n.name), s);
        }
    }
    QCOMPARE(ys(store.series({}, Metric::LatencyP99, kT0, kT0 + 10'000, 100)),
             QList<double>(10, 5.0));
    QCOMPARE(ys(store.series({}, Metric::Cpu, kT0, kT0 + 10'000, 100)), QList<double>(10, 30.0));
    QCOMPARE(ys(store.series({}, Metric::MemoryMb, kT0, kT0 + 10'000, 100)),
             QList<double>(10, 600.0));
}

void TimeSeriesStoreTest::fleetSuccessPercentComesFromSums() {
    TimeSeriesStore store;
    for (int k = 0; k < 5; ++k) {
        store.append(u"busy"_qs, snap(kT0 + k * 1000 + 200, 1000, 900, 100));  // 90 %
        store.append(u"quiet"_qs, snap(kT0 + k * 1000 + 700, 1000, 0, 100));   // 0 %
    }
    // (900 + 0) / (1000 + 100), not the mean of 90 % and 0 %.
    const auto points = store.series({}, Metric::SuccessPercent, kT0, kT0 + 5000, 100);
    QCOMPARE(points.size(), 5);
    for (const QPointF& p : points) QVERIFY(qAbs(p.y() - 100.0 * 900 / 1100) < 1e-9);

    TimeSeriesStore idle;
    idle.append(u"n"_qs, snap(kT0, 1000, 0));
    QCOMPARE(ys(idle.series({}, Metric::SuccessPercent, kT0, kT0, 10)), QList<double>{100.0});
}

void TimeSeriesStoreTest::fleetHoldsNodeThroughJitterWithoutDip() {
    TimeSeriesStore store;
    for (int k = 0; k < 20; ++k) {
        // Node a's 10th report arrives late, in the next second's bin, beside the 11th.
        const qint64 jitter = k == 10 ? 520 : 0;
        store.append(u"a"_qs, snap(kT0 + k * 1000 + 500 + jitter, 1000, 100));
        store.append(u"b"_qs, snap(kT0 + k * 1000 + 300, 1000, 200));
    }
    const auto points = store.series({}, Metric::Requests, kT0, kT0 + 20'000, 1000);
    QCOMPARE(ys(points), QList<double>(20, 300.0));
}

void TimeSeriesStoreTest::fleetDropsNodeThatStoppedReporting() {
    TimeSeriesStore store;
    for (int k = 0; k < 40; ++k) {
        store.append(u"a"_qs, snap(kT0 + k * 1000 + 500, 1000, 100));
        if (k < 20) store.append(u"b"_qs, snap(kT0 + k * 1000 + 500, 1000, 200));
    }
    const auto points = store.series({}, Metric::Requests, kT0, kT0 + 40'000, 1000);
    QCOMPARE(points.size(), 40);
    QCOMPARE(points[19].y(), 300.0);
    QCOMPARE(points[21].y(), 100.0);  // held for at most one bin, then gone
    QCOMPARE(points[39].y(), 100.0);
}

void TimeSeriesStoreTest::fleetSumsNodesWithDifferentIntervals() {
    TimeSeriesStore store;
    for (int i = 0; i < 100; ++i) store.append(u"fast"_qs, snap(kT0 + i * 100 + 50, 100, 50));
    for (int k = 0; k < 10; ++k) store.append(u"slow"_qs, snap(kT0 + k * 1000 + 600, 1000, 100));
    QCOMPARE(ys(store.series({}, Metric::Requests, kT0, kT0 + 10'000, 1000)),
             QList<double>(10, 150.0));
}

void TimeSeriesStoreTest::fleetBinIsIntervalWhenLongerThanASecond() {
    TimeSeriesStore store;
    for (int k = 0; k < 6; ++k) store.append(u"slow"_qs, snap(kT0 + k * 5000 + 100, 5000, 20));
    for (int i = 0; i < 300; ++i) store.append(u"fast"_qs, snap(kT0 + i * 100, 100, 10));
    const auto points = store.series({}, Metric::Requests, kT0, kT0 + 30'000, 1000);
    QCOMPARE(points.size(), 6);
    for (int k = 0; k < 6; ++k) {
        QCOMPARE(points[k].x(), double(kT0 + k * 5000));
        QCOMPARE(points[k].y(), 30.0);
    }
}

void TimeSeriesStoreTest::fleetCacheMatchesComputingFromScratch() {
    // One store is queried as a chart would be, after every round of snapshots, so its settled
    // bins build up; a second store gets the same snapshots and is queried once, at the end.
    TimeSeriesStore live, fresh;
    QRandomGenerator random(7);
    const QStringList nodes{u"a"_qs, u"b"_qs, u"c"_qs, u"d"_qs};
    const uint32_t intervals[] = {1000, 1000, 100, 500};
    qint64 next[] = {kT0 + 130, kT0 + 870, kT0 + 20, kT0 + 400};
    for (int round = 0; round < 400; ++round) {
        for (int n = 0; n < nodes.size(); ++n) {
            if (n == 3 && round > 150 && round < 200) continue;  // d goes quiet for a while
            const uint32_t interval = intervals[n];
            const int steps = n == 2 ? 10 : n == 3 ? 2 : 1;  // about a second per round each
            for (int i = 0; i < steps; ++i) {
                next[n] += interval + qint64(random.bounded(int(interval / 4))) - interval / 8;
                const auto s = snap(next[n], interval, random.bounded(1000), random.bounded(50));
                live.append(nodes[n], s);
                fresh.append(nodes[n], s);
            }
        }
        live.series({}, Metric::Requests, 0, kT0 * 2, 0);
    }
    for (Metric m : {Metric::Requests, Metric::Denied, Metric::SuccessPercent, Metric::Cpu}) {
        const auto a = live.series({}, m, kT0, kT0 + 400'000, 0);
        const auto b = fresh.series({}, m, kT0, kT0 + 400'000, 0);
        QVERIFY(a.size() > 390);
        QCOMPARE(a, b);
    }
}

void TimeSeriesStoreTest::fleetCacheStartsOverForLateSamples() {
    TimeSeriesStore store;
    for (int k = 0; k < 120; ++k) store.append(u"a"_qs, snap(kT0 + k * 1000 + 500, 1000, 100));
    QCOMPARE(store.series({}, Metric::Requests, kT0, kT0 + 120'000, 0).value(10).y(), 100.0);
    // b's clock lags by 100 s, beyond what the cache waits for: its samples land in settled bins.
    for (int k = 0; k < 20; ++k) store.append(u"b"_qs, snap(kT0 + k * 1000 + 300, 1000, 50));
    const auto points = store.series({}, Metric::Requests, kT0, kT0 + 120'000, 0);
    QCOMPARE(points.value(10).y(), 150.0);
    QCOMPARE(points.value(50).y(), 100.0);
}

void TimeSeriesStoreTest::worstNodesOrdersByAverageInRange() {
    TimeSeriesStore store;
    for (int k = 0; k < 10; ++k) {
        store.append(u"a"_qs, snap(kT0 + k * 1000, 1000, 100, 10));
        store.append(u"b"_qs, snap(kT0 + k * 1000, 1000, 100, k < 5 ? 0 : 100));  // mean 50
        store.append(u"c"_qs, snap(kT0 + k * 1000, 1000, 100, 30));
        store.append(u"old"_qs, snap(kT0 - 100'000 + k * 1000, 1000, 0, 1000));
    }
    const qint64 from = kT0, to = kT0 + 10'000;
    QCOMPARE(store.worstNodes(Metric::Denied, from, to, 2), (QStringList{u"b"_qs, u"c"_qs}));
    QCOMPARE(store.worstNodes(Metric::Denied, from, to, 10),
             (QStringList{u"b"_qs, u"c"_qs, u"a"_qs}));
    // Over the first half only, b denied nothing.
    QCOMPARE(store.worstNodes(Metric::Denied, from, kT0 + 4000, 3),
             (QStringList{u"c"_qs, u"a"_qs, u"b"_qs}));
    QVERIFY(store.worstNodes(Metric::Denied, from, to, 0).isEmpty());
}

void TimeSeriesStoreTest::worstNodesBySuccessPercentAreTheLowest() {
    TimeSeriesStore store;
    for (int k = 0; k < 5; ++k) {
        store.append(u"good"_qs, snap(kT0 + k * 1000, 1000, 99, 1));
        store.append(u"bad"_qs, snap(kT0 + k * 1000, 1000, 50, 50));
        store.append(u"fair"_qs, snap(kT0 + k * 1000, 1000, 90, 10));
    }
    QCOMPARE(store.worstNodes(Metric::SuccessPercent, kT0, kT0 + 5000, 3),
             (QStringList{u"bad"_qs, u"fair"_qs, u"good"_qs}));
}

void TimeSeriesStoreTest::latestTotalsCoverTheMostRecentWindow() {
    TimeSeriesStore store;
    QCOMPARE(store.latest().requestsPerSecond, 0.0);
    QCOMPARE(store.latest().successPercent, 100.0);
    for (int k = 0; k < 20; ++k) {
        fleet::Snapshot a = snap(kT0 + k * 1000, 1000, k < 15 ? 1000 : 80, k < 15 ? 0 : 20);
        a.p99Us = 300;
        store.append(u"a"_qs, a);
        fleet::Snapshot b = snap(kT0 + k * 1000 + 500, 1000, 100);
        b.p99Us = k < 15 ? 9000 : 700;
        store.append(u"b"_qs, b);
    }
    // The last 5 s hold a's k = 15..19 and b's k = 15..19.
    const auto totals = store.latest(5000);
    QCOMPARE(totals.requestsPerSecond, 200.0);
    QCOMPARE(totals.deniedPerSecond, 20.0);
    QCOMPARE(totals.successPercent, 90.0);
    QCOMPARE(totals.p99Us, 700.0);
}

void TimeSeriesStoreTest::removeNodeForgetsItsSamples() {
    TimeSeriesStore store;
    store.append(u"a"_qs, snap(kT0, 1000, 10));
    store.append(u"b"_qs, snap(kT0 + 1000, 1000, 20));
    store.removeNode(u"b"_qs);
    QCOMPARE(store.nodes(), QStringList{u"a"_qs});
    QCOMPARE(store.sampleCount(), size_t(1));
    QCOMPARE(store.latestTimeMs(), kT0);
    QCOMPARE(ys(store.series({}, Metric::Requests, 0, kT0 * 2, 10)), QList<double>{10});
}

void TimeSeriesStoreTest::toCsvAlignsRowsByTimeAndQuotes() {
    const QList<QPair<QString, QList<QPointF>>> series{
        {u"req/s"_qs, {QPointF(kT0, 1.5), QPointF(kT0 + 1000, 2)}},
        {u"node \"x\", p99"_qs, {QPointF(kT0 + 1000, 0.25), QPointF(kT0 + 2250, 3e6)}},
    };
    const QString expected =
        u"time_iso,req/s,\"node \"\"x\"\", p99\"\r\n"
        "2023-11-14T22:13:20.000Z,1.5,\r\n"
        "2023-11-14T22:13:21.000Z,2,0.25\r\n"
        "2023-11-14T22:13:22.250Z,,3e+06\r\n"_qs;
    QCOMPARE(TimeSeriesStore::toCsv(series), expected);
    QCOMPARE(TimeSeriesStore::toCsv({}), u"time_iso\r\n"_qs);
}

QTEST_GUILESS_MAIN(TimeSeriesStoreTest)
#include "TimeSeriesStoreTest.moc"
