#include <QtTest>

#include "ConsoleFixture.h"
#include "ui/BigNumber.h"
#include "ui/Format.h"
#include "ui/OverviewStrip.h"

using namespace rampart::console;
using namespace rampart::console::test;

class OverviewStripTest : public QObject {
    Q_OBJECT
private slots:
    void showsFleetTotalsOnceDataArrives() {
        ConsoleFixture f;
        f.addNodes(3);
        OverviewStrip strip(f.series, f.fleet, f.alerts);
        auto* requests = strip.findChild<BigNumber*>("overviewRequests");
        QVERIFY(requests);
        QCOMPARE(requests->value(), QStringLiteral("–"));

        f.feed(30);
        const auto totals = f.series.latest();
        QVERIFY(totals.requestsPerSecond > 0);
        QTRY_COMPARE(requests->value(), format::rate(totals.requestsPerSecond));
        QCOMPARE(strip.findChild<BigNumber*>("overviewSuccess")->value(),
                 format::percent(totals.successPercent));
        QCOMPARE(strip.findChild<BigNumber*>("overviewP99")->value(),
                 format::latencyFromUs(totals.p99Us));
        QCOMPARE(strip.findChild<BigNumber*>("overviewDenials")->value(),
                 format::rate(totals.deniedPerSecond));
        QCOMPARE(strip.findChild<BigNumber*>("overviewNodes")->value(), QStringLiteral("3 / 3"));
    }

    void followsNewDataOnTheTimer() {
        ConsoleFixture f;
        f.addNodes(2);
        OverviewStrip strip(f.series, f.fleet, f.alerts);
        f.feed(10);
        QTRY_COMPARE(strip.requests()->value(), format::rate(f.series.latest().requestsPerSecond));
        f.feed(600);  // into the spike: the figure moves
        const QString later = format::rate(f.series.latest().requestsPerSecond);
        QTRY_COMPARE(strip.requests()->value(), later);
    }

    void aDownNodeTurnsTheNodesTileRed() {
        ConsoleFixture f;
        f.addNodes(3);
        OverviewStrip strip(f.series, f.fleet, f.alerts);
        QCOMPARE(strip.nodes()->level(), BigNumber::Level::Normal);
        f.fleet.setState("auth-2", rampart::fleet::ConnectionState::Down, "connection refused");
        QTRY_COMPARE(strip.nodes()->value(), QStringLiteral("2 / 3"));
        QCOMPARE(strip.nodes()->level(), BigNumber::Level::Alert);
        f.fleet.setState("auth-2", rampart::fleet::ConnectionState::Up, {});
        QTRY_COMPARE(strip.nodes()->value(), QStringLiteral("3 / 3"));
        QCOMPARE(strip.nodes()->level(), BigNumber::Level::Normal);
    }

    void alertsColourTheirTiles() {
        ConsoleFixture f;
        f.addNodes(2);
        OverviewStrip strip(f.series, f.fleet, f.alerts);
        f.alerts.evaluate(AlertRules::kFleetScope, 45, 10, 20, f.nowMs());
        QCOMPARE(strip.success()->level(), BigNumber::Level::Alert);
        QCOMPARE(strip.p99()->level(), BigNumber::Level::Normal);
        QCOMPARE(strip.success()->levelName(), QStringLiteral("alert"));

        f.alerts.evaluate("auth-1", 0, 10, 99, f.nowMs());  // a CPU alert on one node
        QCOMPARE(strip.nodes()->level(), BigNumber::Level::Warning);
        QVERIFY(strip.nodes()->detail().contains("auth-1"));

        f.alerts.evaluate(AlertRules::kFleetScope, 1, 10, 20, f.nowMs());
        QCOMPARE(strip.success()->level(), BigNumber::Level::Normal);
    }
};

QTEST_MAIN(OverviewStripTest)
#include "OverviewStripTest.moc"
