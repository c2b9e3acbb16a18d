#include <QAbstractItemModelTester>
#include <QSignalSpy>
#include <QtTest>

#include "models/EventLogModel.h"

using rampart::console::EventLogModel;
using Kind = EventLogModel::Kind;

namespace {

constexpr qint64 kT0 = 1'700'000'000'000;  // 2023-11-14T22:13:20Z

}  // namespace

class EventLogModelTest : public QObject {
    Q_OBJECT
private slots:
    void appendsNewestAtTheBottom();
    void emitsEventAdded();
    void staysBoundedDroppingTheOldest();
    void defaultsTimeToNow();
    void marksAlerts();
    void exportsCsvWithQuoting();
};

void EventLogModelTest::appendsNewestAtTheBottom() {
    EventLogModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    QSignalSpy inserted(&model, &QAbstractItemModel::rowsInserted);
    model.add(Kind::Action, u"edge-1"_qs, u"update limits"_qs, kT0);
    model.add(Kind::Result, u"edge-1"_qs, u"update limits: OK"_qs, kT0 + 250);
    QCOMPARE(inserted.count(), 2);
    QCOMPARE(inserted.at(1).at(1).toInt(), 1);
    QCOMPARE(model.rowCount(), 2);
    QCOMPARE(model.columnCount(), int(EventLogModel::ColumnCount));
    const auto cell = [&](int row, int column) {
        return model.index(row, column).data().toString();
    };
    QCOMPARE(cell(1, EventLogModel::Message), u"update limits: OK"_qs);
    QCOMPARE(cell(1, EventLogModel::KindColumn), u"result"_qs);
    QCOMPARE(cell(0, EventLogModel::Node), u"edge-1"_qs);
    QCOMPARE(cell(0, EventLogModel::Time),
             QDateTime::fromMSecsSinceEpoch(kT0).toString(u"hh:mm:ss"_qs));
    QCOMPARE(model.index(1, 0).data(EventLogModel::TimeRole).toLongLong(), kT0 + 250);
    QCOMPARE(model.index(0, 0).data(EventLogModel::KindRole).toInt(), int(Kind::Action));
}

void EventLogModelTest::emitsEventAdded() {
    EventLogModel model;
    QSignalSpy added(&model, &EventLogModel::eventAdded);
    model.add(Kind::Alert, u"fleet"_qs, u"p99 above 50 ms"_qs, kT0);
    QCOMPARE(added.count(), 1);
    QCOMPARE(added.at(0).at(0).value<Kind>(), Kind::Alert);
    QCOMPARE(added.at(0).at(1).toLongLong(), kT0);
    QCOMPARE(added.at(0).at(2).toString(), u"p99 above 50 ms"_qs);
}

void EventLogModelTest::staysBoundedDroppingTheOldest() {
    EventLogModel model;
    const int total = EventLogModel::kMaxRows + 25;
    for (int i = 0; i < EventLogModel::kMaxRows; ++i) {
        model.add(Kind::Connection, u"n"_qs, QString::number(i), kT0 + i);
    }
    QSignalSpy removed(&model, &QAbstractItemModel::rowsRemoved);
    for (int i = EventLogModel::kMaxRows; i < total; ++i) {
        model.add(Kind::Connection, u"n"_qs, QString::number(i), kT0 + i);
    }
    QCOMPARE(model.rowCount(), EventLogModel::kMaxRows);
    QCOMPARE(removed.count(), 25);
    QCOMPARE(removed.at(0).at(1).toInt(), 0);  // always the top row
    QCOMPARE(model.index(0, EventLogModel::Message).data().toString(), u"25"_qs);
    QCOMPARE(model.index(model.rowCount() - 1, EventLogModel::Message).data().toString(),
             QString::number(total - 1));
}

void EventLogModelTest::defaultsTimeToNow() {
    EventLogModel model;
    const qint64 before = QDateTime::currentMSecsSinceEpoch();
    model.add(Kind::Action, {}, u"scale to 3"_qs);
    const qint64 after = QDateTime::currentMSecsSinceEpoch();
    const qint64 at = model.index(0, 0).data(EventLogModel::TimeRole).toLongLong();
    QVERIFY(before <= at && at <= after);
}

void EventLogModelTest::marksAlerts() {
    EventLogModel model;
    model.add(Kind::Alert, u"fleet"_qs, u"failures at 30 %"_qs, kT0);
    model.add(Kind::Action, u"a"_qs, u"block"_qs, kT0);
    QCOMPARE(model.index(0, EventLogModel::Message).data(Qt::ForegroundRole).value<QColor>(),
             EventLogModel::alertColor());
    QVERIFY(!model.index(1, EventLogModel::Message).data(Qt::ForegroundRole).isValid());
}

void EventLogModelTest::exportsCsvWithQuoting() {
    EventLogModel model;
    model.add(Kind::Action, u"edge-1"_qs, u"block 203.0.113.7 for 15m, reason \"spike\""_qs, kT0);
    model.add(Kind::Result, {}, u"line one\nline two"_qs, kT0 + 1500);
    QCOMPARE(model.toCsv(),
             u"time_iso,node,kind,message\r\n"
             "2023-11-14T22:13:20.000Z,edge-1,action,\"block 203.0.113.7 for 15m, reason "
             "\"\"spike\"\"\"\r\n"
             "2023-11-14T22:13:21.500Z,,result,\"line one\nline two\"\r\n"_qs);
    QCOMPARE(EventLogModel().toCsv(), u"time_iso,node,kind,message\r\n"_qs);
}

QTEST_GUILESS_MAIN(EventLogModelTest)
#include "EventLogModelTest.moc"
