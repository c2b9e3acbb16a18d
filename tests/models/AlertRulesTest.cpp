#include <QSignalSpy>
#include <QtTest>
#include <cmath>

#include "models/AlertRules.h"

using rampart::console::AlertRules;

namespace {

const QString kFleet = AlertRules::kFleetScope;

}  // namespace

class AlertRulesTest : public QObject {
    Q_OBJECT
private slots:
    void raisesOnceWhenCrossingAbove();
    void raisesAtTheThreshold();
    void clearsOnlyBelowNinetyPercent();
    void doesNotFlapAroundTheThreshold();
    void judgesScopesAndMetricsApart();
    void thresholdChangeRejudgesLastValues();
    void zeroThresholdTurnsAlertOff();
    void nanLeavesAlertAsItIs();
    void listsActiveAlertsOldestFirst();
    void removeScopeClearsItsAlerts();
};

void AlertRulesTest::raisesOnceWhenCrossingAbove() {
    AlertRules rules;
    QSignalSpy raised(&rules, &AlertRules::alertRaised);
    rules.evaluate(kFleet, 5, 10, 30, 1000);
    QCOMPARE(raised.count(), 0);
    rules.evaluate(kFleet, 27.5, 10, 30, 2000);
    rules.evaluate(kFleet, 40, 10, 30, 3000);
    rules.evaluate(kFleet, 35, 10, 30, 4000);
    QCOMPARE(raised.count(), 1);
    QCOMPARE(raised.at(0).at(0).toString(), kFleet);
    QCOMPARE(raised.at(0).at(1).toString(), AlertRules::kFailure);
    const QString message = raised.at(0).at(2).toString();
    QVERIFY2(message.contains(u"27.5"_qs) && message.contains(u"20"_qs), qPrintable(message));
    QVERIFY(rules.isActive(kFleet, AlertRules::kFailure));
    QVERIFY(!rules.isActive(kFleet, AlertRules::kP99));
}

void AlertRulesTest::raisesAtTheThreshold() {
    AlertRules rules;
    QSignalSpy raised(&rules, &AlertRules::alertRaised);
    rules.evaluate(kFleet, 0, 49.9, 84.9, 1000);
    QCOMPARE(raised.count(), 0);
    rules.evaluate(kFleet, 0, 50, 85, 2000);
    QCOMPARE(raised.count(), 2);
    QCOMPARE(raised.at(0).at(1).toString(), AlertRules::kP99);
    QCOMPARE(raised.at(1).at(1).toString(), AlertRules::kCpu);
}

void AlertRulesTest::clearsOnlyBelowNinetyPercent() {
    AlertRules rules;
    QSignalSpy cleared(&rules, &AlertRules::alertCleared);
    rules.evaluate(kFleet, 0, 80, 0, 1000);
    rules.evaluate(kFleet, 0, 46, 0, 2000);  // below 50 but above 45: still active
    QCOMPARE(cleared.count(), 0);
    QVERIFY(rules.isActive(kFleet, AlertRules::kP99));
    rules.evaluate(kFleet, 0, 44.9, 0, 3000);
    QCOMPARE(cleared.count(), 1);
    QCOMPARE(cleared.at(0).at(0).toString(), kFleet);
    QCOMPARE(cleared.at(0).at(1).toString(), AlertRules::kP99);
    QVERIFY(!rules.isActive(kFleet, AlertRules::kP99));
    rules.evaluate(kFleet, 0, 10, 0, 4000);
    QCOMPARE(cleared.count(), 1);
}

void AlertRulesTest::doesNotFlapAroundTheThreshold() {
    AlertRules rules;
    QSignalSpy raised(&rules, &AlertRules::alertRaised);
    QSignalSpy cleared(&rules, &AlertRules::alertCleared);
    const double values[] = {84, 86, 84, 85.5, 80, 88, 77, 90};  // hovering around 85 %
    qint64 t = 0;
    for (double cpu : values) rules.evaluate(kFleet, 0, 0, cpu, t += 1000);
    QCOMPARE(raised.count(), 1);
    QCOMPARE(cleared.count(), 0);
    rules.evaluate(kFleet, 0, 0, 76, t += 1000);  // below 76.5
    rules.evaluate(kFleet, 0, 0, 86, t += 1000);
    QCOMPARE(cleared.count(), 1);
    QCOMPARE(raised.count(), 2);
}

void AlertRulesTest::judgesScopesAndMetricsApart() {
    AlertRules rules;
    QSignalSpy raised(&rules, &AlertRules::alertRaised);
    rules.evaluate(u"edge-1"_qs, 50, 0, 0, 1000);
    rules.evaluate(u"edge-2"_qs, 50, 0, 0, 1000);
    rules.evaluate(kFleet, 0, 0, 99, 1000);
    QCOMPARE(raised.count(), 3);
    QVERIFY(rules.isActive(u"edge-1"_qs, AlertRules::kFailure));
    QVERIFY(rules.isActive(u"edge-2"_qs, AlertRules::kFailure));
    QVERIFY(!rules.isActive(kFleet, AlertRules::kFailure));
    QVERIFY(rules.isActive(kFleet, AlertRules::kCpu));
}

void AlertRulesTest::thresholdChangeRejudgesLastValues() {
    AlertRules rules;
    QSignalSpy raised(&rules, &AlertRules::alertRaised);
    QSignalSpy cleared(&rules, &AlertRules::alertCleared);
    rules.evaluate(kFleet, 15, 30, 60, 1000);
    QCOMPARE(raised.count(), 0);

    rules.setThresholds({10, 50, 85});  // 15 % failures is now an alert
    QCOMPARE(rules.thresholds().failurePercent, 10.0);
    QCOMPARE(raised.count(), 1);
    QCOMPARE(raised.at(0).at(1).toString(), AlertRules::kFailure);

    rules.setThresholds({16, 50, 85});  // 15 ≥ 0.9 × 16: hysteresis holds it
    QCOMPARE(cleared.count(), 0);
    rules.setThresholds({20, 50, 85});  // 15 < 18
    QCOMPARE(cleared.count(), 1);

    rules.setThresholds({20, 25, 85});  // p99 30 ms now over
    QCOMPARE(raised.count(), 2);
    QCOMPARE(raised.at(1).at(1).toString(), AlertRules::kP99);
}

void AlertRulesTest::zeroThresholdTurnsAlertOff() {
    AlertRules rules;
    QSignalSpy raised(&rules, &AlertRules::alertRaised);
    QSignalSpy cleared(&rules, &AlertRules::alertCleared);
    rules.evaluate(kFleet, 0, 0, 95, 1000);
    QCOMPARE(raised.count(), 1);
    rules.setThresholds({20, 50, 0});
    QCOMPARE(cleared.count(), 1);
    rules.evaluate(kFleet, 0, 0, 100, 2000);
    QCOMPARE(raised.count(), 1);
}

void AlertRulesTest::nanLeavesAlertAsItIs() {
    AlertRules rules;
    QSignalSpy cleared(&rules, &AlertRules::alertCleared);
    rules.evaluate(kFleet, 0, 90, 0, 1000);
    rules.evaluate(kFleet, 0, std::nan(""), 0, 2000);  // no traffic, no latency figure
    QCOMPARE(cleared.count(), 0);
    QVERIFY(rules.isActive(kFleet, AlertRules::kP99));
}

void AlertRulesTest::listsActiveAlertsOldestFirst() {
    AlertRules rules;
    QVERIFY(rules.activeAlerts().isEmpty());
    rules.evaluate(u"edge-2"_qs, 0, 0, 90, 5000);
    rules.evaluate(u"edge-1"_qs, 30, 0, 0, 7000);
    const QStringList active = rules.activeAlerts();
    QCOMPARE(active.size(), 2);
    QVERIFY2(active[0].contains(u"edge-2"_qs) && active[0].contains(u"CPU"_qs),
             qPrintable(active[0]));
    QVERIFY2(active[1].contains(u"edge-1"_qs), qPrintable(active[1]));
    rules.evaluate(u"edge-2"_qs, 0, 0, 10, 8000);
    QCOMPARE(rules.activeAlerts().size(), 1);
}

void AlertRulesTest::removeScopeClearsItsAlerts() {
    AlertRules rules;
    QSignalSpy cleared(&rules, &AlertRules::alertCleared);
    rules.evaluate(u"edge-1"_qs, 30, 90, 0, 1000);
    rules.removeScope(u"edge-1"_qs);
    QCOMPARE(cleared.count(), 2);
    QVERIFY(rules.activeAlerts().isEmpty());
    rules.removeScope(u"edge-1"_qs);
    QCOMPARE(cleared.count(), 2);
}

QTEST_GUILESS_MAIN(AlertRulesTest)
#include "AlertRulesTest.moc"
