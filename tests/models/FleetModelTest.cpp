#include <QAbstractItemModelTester>
#include <QColor>
#include <QSignalSpy>
#include <QtTest>

#include "models/FleetModel.h"
#include "models/FleetSortProxy.h"

using rampart::console::FleetModel;
using rampart::console::FleetSortProxy;
namespace fleet = rampart::fleet;
using fleet::ConnectionState;

namespace {

fleet::Snapshot snap(uint64_t allow, uint64_t denied, double p99Us = 800) {
    fleet::Snapshot s;
    s.timeUnixMs = 1'700'000'000'000;
    s.intervalMs = 1000;
    s.interval.allow = allow;
    s.interval.rateLimitedIp = denied;
    s.p99Us = p99Us;
    s.processCpuPercent = 37.4;
    s.rssBytes = 128'400'000;
    s.limitsRevision = 12;
    s.scaleCurrent = 3;
    s.scaleRecommended = 3;
    return s;
}

QString text(const QAbstractItemModel& model, int row, int column, int role = Qt::DisplayRole) {
    return model.data(model.index(row, column), role).toString();
}

QStringList order(const QAbstractItemModel& model) {
    QStringList names;
    for (int row = 0; row < model.rowCount(); ++row)
        names.append(text(model, row, FleetModel::Name));
    return names;
}

}  // namespace

class FleetModelTest : public QObject {
    Q_OBJECT
private slots:
    void addsOneRowPerNode();
    void removesNodes();
    void formatsSnapshotFigures();
    void showsNoFiguresWhileNotUp();
    void colorsDownRedAndConnectingAmber();
    void toolTipCarriesStateDetail();
    void emitsDataChangedOnSnapshot();
    void takesRoleAndScaleFromNodeInfo();
    void countsNodesUp();
    void sortKeysAreNumbers();
    void proxyOrdersDownFirstThenErrorsThenVolume();
    void proxyResortsWhenSnapshotsArrive();
    void proxySortsOtherColumnsBySortRole();
    void passesModelTester();
};

void FleetModelTest::addsOneRowPerNode() {
    FleetModel model;
    QSignalSpy inserted(&model, &QAbstractItemModel::rowsInserted);
    model.addNode(u"alpha"_qs, u"10.0.0.1:7443"_qs);
    model.addNode(u"beta"_qs, u"10.0.0.2:7443"_qs);
    model.addNode(u"alpha"_qs, u"10.0.0.9:7443"_qs);  // known: only the address changes
    QCOMPARE(inserted.count(), 2);
    QCOMPARE(model.rowCount(), 2);
    QCOMPARE(model.columnCount(), int(FleetModel::ColumnCount));
    QCOMPARE(model.nodeNames(), (QStringList{u"alpha"_qs, u"beta"_qs}));
    QVERIFY(model.hasNode(u"beta"_qs));
    QVERIFY(!model.hasNode(u"gamma"_qs));
    QCOMPARE(model.addressOf(u"alpha"_qs), u"10.0.0.9:7443"_qs);
    QCOMPARE(model.stateOf(u"alpha"_qs), ConnectionState::Connecting);
    QCOMPARE(text(model, 0, FleetModel::State), u"Connecting"_qs);
    QCOMPARE(model.headerData(FleetModel::P99Ms, Qt::Horizontal).toString(), u"p99"_qs);
}

void FleetModelTest::removesNodes() {
    FleetModel model;
    model.addNode(u"a"_qs, u"x:1"_qs);
    model.addNode(u"b"_qs, u"x:2"_qs);
    QSignalSpy removed(&model, &QAbstractItemModel::rowsRemoved);
    model.removeNode(u"a"_qs);
    model.removeNode(u"nobody"_qs);
    QCOMPARE(removed.count(), 1);
    QCOMPARE(model.nodeNames(), QStringList{u"b"_qs});
}

void FleetModelTest::formatsSnapshotFigures() {
    FleetModel model;
    model.addNode(u"a"_qs, u"x:1"_qs);
    model.setState(u"a"_qs, ConnectionState::Up, {});
    model.applySnapshot(u"a"_qs, snap(1999, 1));  // 99.95 % success
    QCOMPARE(text(model, 0, FleetModel::State), u"Up"_qs);
    QCOMPARE(text(model, 0, FleetModel::RequestsPerSecond), u"2000"_qs);
    QCOMPARE(text(model, 0, FleetModel::SuccessPercent), u"99.9 %"_qs);  // never rounded up to 100
    QCOMPARE(text(model, 0, FleetModel::P99Ms), u"0.80 ms"_qs);
    QCOMPARE(text(model, 0, FleetModel::CpuPercent), u"37 %"_qs);
    QCOMPARE(text(model, 0, FleetModel::MemoryMb), u"128 MB"_qs);
    QCOMPARE(text(model, 0, FleetModel::LimitsRevision), u"12"_qs);
    QCOMPARE(text(model, 0, FleetModel::Scale), u"3"_qs);

    fleet::Snapshot s = snap(5, 2, 42'000);
    s.scaleRecommended = 5;
    model.applySnapshot(u"a"_qs, s);
    QCOMPARE(text(model, 0, FleetModel::RequestsPerSecond), u"7.0"_qs);
    QCOMPARE(text(model, 0, FleetModel::P99Ms), u"42.0 ms"_qs);
    QCOMPARE(text(model, 0, FleetModel::Scale), u"3 → 5"_qs);
}

void FleetModelTest::showsNoFiguresWhileNotUp() {
    FleetModel model;
    model.addNode(u"a"_qs, u"x:1"_qs);
    model.setState(u"a"_qs, ConnectionState::Up, {});
    model.applySnapshot(u"a"_qs, snap(100, 0));
    model.setState(u"a"_qs, ConnectionState::Down, u"connection refused"_qs);
    QCOMPARE(text(model, 0, FleetModel::RequestsPerSecond), u"—"_qs);
    QCOMPARE(text(model, 0, FleetModel::P99Ms), u"—"_qs);
    QCOMPARE(
        model.data(model.index(0, FleetModel::RequestsPerSecond), FleetModel::SortRole).toDouble(),
        -1.0);
    QCOMPARE(text(model, 0, FleetModel::LimitsRevision), u"12"_qs);  // last known, still true
}

void FleetModelTest::colorsDownRedAndConnectingAmber() {
    FleetModel model;
    model.addNode(u"a"_qs, u"x:1"_qs);
    const auto background = [&](int column) {
        return model.data(model.index(0, column), Qt::BackgroundRole);
    };

    const QColor amber = background(FleetModel::Name).value<QColor>();  // starts Connecting
    QVERIFY(amber.red() > 200 && amber.green() > 120 && amber.blue() < 80);

    model.setState(u"a"_qs, ConnectionState::Down, u"deadline exceeded"_qs);
    for (int column = 0; column < FleetModel::ColumnCount; ++column) {
        const QColor red = background(column).value<QColor>();
        QVERIFY(red.isValid());
        QVERIFY(red.red() > 2 * red.green() && red.red() > 2 * red.blue());
    }
    const QColor text =
        model.data(model.index(0, FleetModel::State), Qt::ForegroundRole).value<QColor>();
    QCOMPARE(text, QColor(Qt::white));

    model.setState(u"a"_qs, ConnectionState::Up, {});
    QVERIFY(!background(FleetModel::State).isValid());
    QVERIFY(!model.data(model.index(0, FleetModel::State), Qt::ForegroundRole).isValid());
}

void FleetModelTest::toolTipCarriesStateDetail() {
    FleetModel model;
    model.addNode(u"a"_qs, u"10.0.0.1:7443"_qs);
    model.setState(u"a"_qs, ConnectionState::Down, u"UNAVAILABLE: connection refused"_qs);
    QCOMPARE(text(model, 0, FleetModel::State, Qt::ToolTipRole),
             u"UNAVAILABLE: connection refused"_qs);
    QVERIFY(text(model, 0, FleetModel::Name, Qt::ToolTipRole).contains(u"10.0.0.1:7443"_qs));
    model.setState(u"a"_qs, ConnectionState::Up, {});
    QVERIFY(!model.data(model.index(0, FleetModel::State), Qt::ToolTipRole).isValid());
}

void FleetModelTest::emitsDataChangedOnSnapshot() {
    FleetModel model;
    model.addNode(u"a"_qs, u"x:1"_qs);
    model.addNode(u"b"_qs, u"x:2"_qs);
    QSignalSpy changed(&model, &QAbstractItemModel::dataChanged);
    model.applySnapshot(u"b"_qs, snap(10, 0));
    QCOMPARE(changed.count(), 1);
    const auto topLeft = changed.at(0).at(0).value<QModelIndex>();
    const auto bottomRight = changed.at(0).at(1).value<QModelIndex>();
    QCOMPARE(topLeft.row(), 1);
    QCOMPARE(bottomRight.row(), 1);
    QVERIFY(topLeft.column() <= FleetModel::State);
    QCOMPARE(bottomRight.column(), FleetModel::ColumnCount - 1);

    model.applySnapshot(u"unknown"_qs, snap(10, 0));
    model.setState(u"b"_qs, ConnectionState::Connecting, {});  // unchanged: no signal
    QCOMPARE(changed.count(), 1);
    model.setState(u"b"_qs, ConnectionState::Up, {});
    QCOMPARE(changed.count(), 2);
}

void FleetModelTest::takesRoleAndScaleFromNodeInfo() {
    FleetModel model;
    model.addNode(u"a"_qs, u"x:1"_qs);
    QCOMPARE(model.roleOf(u"a"_qs), QString());
    fleet::NodeInfo info;
    info.hostname = "edge-1";
    info.version = "0.1.0";
    info.callerRole = "viewer";
    info.callerIdentity = "CN=console";
    info.scale.backend = "local";
    info.scale.current = 2;
    info.scale.recommended = 4;
    info.scale.lastResult = "scaled to 2";
    model.setNodeInfo(u"a"_qs, info);
    QCOMPARE(model.roleOf(u"a"_qs), u"viewer"_qs);
    QCOMPARE(model.roleOf(u"nobody"_qs), QString());
    QCOMPARE(text(model, 0, FleetModel::Scale), u"2 → 4"_qs);
    QVERIFY(text(model, 0, FleetModel::Scale, Qt::ToolTipRole).contains(u"local"_qs));
    QVERIFY(text(model, 0, FleetModel::Name, Qt::ToolTipRole).contains(u"edge-1"_qs));
}

void FleetModelTest::countsNodesUp() {
    FleetModel model;
    for (const auto& name : {u"a"_qs, u"b"_qs, u"c"_qs}) model.addNode(name, u"x"_qs);
    QCOMPARE(model.upCount(), 0);
    model.setState(u"a"_qs, ConnectionState::Up, {});
    model.setState(u"c"_qs, ConnectionState::Up, {});
    QCOMPARE(model.upCount(), 2);
    model.setState(u"c"_qs, ConnectionState::Down, u"gone"_qs);
    QCOMPARE(model.upCount(), 1);
    QCOMPARE(model.stateOf(u"c"_qs), ConnectionState::Down);
}

void FleetModelTest::sortKeysAreNumbers() {
    FleetModel model;
    model.addNode(u"a"_qs, u"x"_qs);
    model.setState(u"a"_qs, ConnectionState::Up, {});
    model.applySnapshot(u"a"_qs, snap(1500, 500, 2500));
    const auto key = [&](int column) {
        return model.data(model.index(0, column), FleetModel::SortRole);
    };
    QCOMPARE(key(FleetModel::RequestsPerSecond).toDouble(), 2000.0);
    QCOMPARE(key(FleetModel::SuccessPercent).toDouble(), 75.0);
    QCOMPARE(key(FleetModel::P99Ms).toDouble(), 2.5);
    QCOMPARE(key(FleetModel::State).toInt(), 2);
    QCOMPARE(model.data(model.index(0, 0), FleetModel::DeniedPerSecondRole).toDouble(), 500.0);
}

void FleetModelTest::proxyOrdersDownFirstThenErrorsThenVolume() {
    FleetModel model;
    FleetSortProxy proxy;
    proxy.setSourceModel(&model);
    const struct {
        QString name;
        ConnectionState state;
        uint64_t allow, denied;
    } nodes[] = {
        {u"quiet"_qs, ConnectionState::Up, 100, 0},
        {u"busy"_qs, ConnectionState::Up, 9000, 0},
        {u"denying"_qs, ConnectionState::Up, 50, 40},
        {u"down"_qs, ConnectionState::Down, 0, 0},
        {u"denying-more"_qs, ConnectionState::Up, 10, 400},
        {u"reconnecting"_qs, ConnectionState::Connecting, 0, 0},
        {u"busy-too"_qs, ConnectionState::Up, 9000, 0},
    };
    for (const auto& n : nodes) {
        model.addNode(n.name, u"x"_qs);
        model.setState(n.name, ConnectionState::Up, {});
        model.applySnapshot(n.name, snap(n.allow, n.denied));
        model.setState(n.name, n.state, {});
    }
    QCOMPARE(proxy.sortColumn(), int(FleetModel::State));
    QCOMPARE(order(proxy), (QStringList{u"down"_qs, u"reconnecting"_qs, u"denying-more"_qs,
                                        u"denying"_qs, u"busy"_qs, u"busy-too"_qs, u"quiet"_qs}));
}

void FleetModelTest::proxyResortsWhenSnapshotsArrive() {
    FleetModel model;
    FleetSortProxy proxy;
    proxy.setSourceModel(&model);
    for (const auto& name : {u"a"_qs, u"b"_qs}) {
        model.addNode(name, u"x"_qs);
        model.setState(name, ConnectionState::Up, {});
    }
    model.applySnapshot(u"a"_qs, snap(100, 0));
    model.applySnapshot(u"b"_qs, snap(50, 0));
    QCOMPARE(order(proxy), (QStringList{u"a"_qs, u"b"_qs}));
    model.applySnapshot(u"b"_qs, snap(50, 5));  // b starts denying
    QCOMPARE(order(proxy), (QStringList{u"b"_qs, u"a"_qs}));
    model.setState(u"a"_qs, ConnectionState::Down, u"gone"_qs);
    QCOMPARE(order(proxy), (QStringList{u"a"_qs, u"b"_qs}));
}

void FleetModelTest::proxySortsOtherColumnsBySortRole() {
    FleetModel model;
    FleetSortProxy proxy;
    proxy.setSourceModel(&model);
    const struct {
        QString name;
        double p99Us;
    } nodes[] = {{u"a"_qs, 900}, {u"b"_qs, 12'000}, {u"c"_qs, 2'000}};
    for (const auto& n : nodes) {
        model.addNode(n.name, u"x"_qs);
        model.setState(n.name, ConnectionState::Up, {});
        model.applySnapshot(n.name, snap(10, 0, n.p99Us));
    }
    // As text "12.0 ms" would sort before "2.00 ms"; the sort key is the number.
    proxy.sort(FleetModel::P99Ms, Qt::DescendingOrder);
    QCOMPARE(order(proxy), (QStringList{u"b"_qs, u"c"_qs, u"a"_qs}));
    proxy.sortErrorsThenVolume();
    QCOMPARE(proxy.sortColumn(), int(FleetModel::State));
    QCOMPARE(proxy.sortOrder(), Qt::AscendingOrder);
}

void FleetModelTest::passesModelTester() {
    FleetModel model;
    FleetSortProxy proxy;
    proxy.setSourceModel(&model);
    QAbstractItemModelTester tester(&proxy, QAbstractItemModelTester::FailureReportingMode::QtTest);
    model.addNode(u"a"_qs, u"x"_qs);
    model.addNode(u"b"_qs, u"x"_qs);
    model.setState(u"a"_qs, ConnectionState::Up, {});
    model.applySnapshot(u"a"_qs, snap(10, 1));
    model.setState(u"b"_qs, ConnectionState::Down, u"gone"_qs);
    model.removeNode(u"a"_qs);
}

QTEST_GUILESS_MAIN(FleetModelTest)
#include "FleetModelTest.moc"
