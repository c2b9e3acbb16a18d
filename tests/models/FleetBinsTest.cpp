#include <QtTest>
#include <vector>

#include "models/FleetBins.h"

using rampart::console::FleetBins;
using rampart::console::MetricSample;
using Ring = rampart::console::RingBuffer<MetricSample>;

namespace {

constexpr qint64 kT0 = 1'700'000'000'000;
constexpr qint64 kHourMs = 60 * 60 * 1000;

MetricSample sample(qint64 timeMs, float requests, float p99Us = 0) {
    MetricSample s;
    s.timeMs = timeMs;
    s.requestsPerSecond = requests;
    s.allowPerSecond = requests;
    s.p99Us = p99Us;
    return s;
}

}  // namespace

class FleetBinsTest : public QObject {
    Q_OBJECT
private slots:
    void meansPerNodeThenSumsAndMaximaAcrossNodes();
    void holdsForOneAndAHalfIntervalsOnly();
    void visitsOnlyBinsWithContributorsInRange();
    void settledBinsStayBoundedOverTwoHours();
};

void FleetBinsTest::meansPerNodeThenSumsAndMaximaAcrossNodes() {
    Ring a(10), b(10);
    a.push(sample(kT0 + 100, 100, 2000));
    a.push(sample(kT0 + 600, 300, 4000));  // a's mean in the bin: 200 req/s, 3000 µs
    b.push(sample(kT0 + 500, 50, 9000));
    const std::vector<FleetBins::NodeRing> nodes{{&a, 500}, {&b, 1000}};
    const auto bins = FleetBins::compute(nodes, 1000, kT0 / 1000, kT0 / 1000);
    QCOMPARE(bins.size(), size_t(1));
    QCOMPARE(bins[0].contributors, 2);
    QCOMPARE(bins[0].value[FleetBins::Requests], 250.0);
    QCOMPARE(bins[0].value[FleetBins::P99], 9000.0);
}

void FleetBinsTest::holdsForOneAndAHalfIntervalsOnly() {
    Ring a(10);
    a.push(sample(kT0 + 900, 40));
    a.push(sample(kT0 + 5900, 40));  // a gap of five bins
    const std::vector<FleetBins::NodeRing> nodes{{&a, 1000}};
    const auto bins = FleetBins::compute(nodes, 1000, kT0 / 1000, kT0 / 1000 + 6);
    QCOMPARE(bins.size(), size_t(7));
    QList<int> contributors;
    for (const auto& bin : bins) contributors.append(bin.contributors);
    // bin 1 starts 100 ms after the first sample (held); bin 2 starts 1100 ms after (held, under
    // 1500); bin 3, 2100 ms after, is past the hold. The trailing bin 6 holds the second sample.
    QCOMPARE(contributors, (QList<int>{1, 1, 1, 0, 0, 1, 1}));
}

void FleetBinsTest::visitsOnlyBinsWithContributorsInRange() {
    Ring a(100);
    for (int k = 0; k < 10; ++k) {
        if (k != 5 && k != 6) a.push(sample(kT0 + k * 1000 + 100, float(k)));
    }
    FleetBins bins;
    const std::vector<FleetBins::NodeRing> nodes{{&a, 400}};  // short hold: gaps stay empty
    QList<qint64> starts;
    bins.visit(nodes, 1000, kHourMs, 1, kT0 + 2000, kT0 + 7999,
               [&](qint64 startMs, const FleetBins::Bin&) { starts.append(startMs - kT0); });
    QCOMPARE(starts, (QList<qint64>{2000, 3000, 4000, 7000}));
}

void FleetBinsTest::settledBinsStayBoundedOverTwoHours() {
    Ring a(3600), b(3600);
    FleetBins bins;
    const std::vector<FleetBins::NodeRing> nodes{{&a, 1000}, {&b, 1000}};
    size_t most = 0;
    for (qint64 k = 0; k < 2 * 3600; ++k) {
        a.push(sample(kT0 + k * 1000 + 200, 10));
        b.push(sample(kT0 + k * 1000 + 700, 20));
        bins.noteAppend(kT0 + k * 1000 + 700);
        if (k % 10) continue;  // a chart refresh every ten seconds
        bins.visit(nodes, 1000, kHourMs, quint64(k), 0, kT0 * 2,
                   [&](qint64, const FleetBins::Bin& bin) {
                       if (bin.value[FleetBins::Requests] != 30.0) QFAIL("a bin lost a node");
                   });
        most = std::max(most, bins.heldBins());
    }
    QVERIFY(most >= 3600);
    QVERIFY2(most <= 3600 + 3, qPrintable(QString::number(most)));
}

QTEST_GUILESS_MAIN(FleetBinsTest)
#include "FleetBinsTest.moc"
