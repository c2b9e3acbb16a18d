#include <QAbstractItemModelTester>
#include <QSignalSpy>
#include <QtTest>

#include "models/OffendersModel.h"

using rampart::console::OffendersModel;
namespace fleet = rampart::fleet;

namespace {

fleet::Snapshot lists(std::vector<fleet::Offender> ips,
                      std::vector<fleet::Offender> subjects = {}) {
    fleet::Snapshot s;
    s.topClientIps = std::move(ips);
    s.topSubjects = std::move(subjects);
    return s;
}

QStringList rows(const OffendersModel& model) {
    QStringList out;
    for (int r = 0; r < model.rowCount(); ++r) {
        QStringList cells;
        for (int c = 0; c < OffendersModel::ColumnCount; ++c) {
            cells.append(model.index(r, c).data().toString());
        }
        out.append(cells.join(u' '));
    }
    return out;
}

}  // namespace

class OffendersModelTest : public QObject {
    Q_OBJECT
private slots:
    void mergesAcrossNodes();
    void replacesANodesListsOnUpdate();
    void forgetsRemovedNodes();
    void keepsIpsAndSubjectsApart();
    void capsAtFiftyRows();
    void selectionFollowsItsKeyWhenTheOrderChanges();
};

void OffendersModelTest::mergesAcrossNodes() {
    OffendersModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    model.update(u"a"_qs, lists({{"203.0.113.7", 40}, {"198.51.100.2", 5}}, {{"alice", 12}}));
    model.update(u"b"_qs, lists({{"203.0.113.7", 25}}, {{"mallory", 60}}));
    model.update(u"c"_qs, lists({{"203.0.113.7", 1}, {"198.51.100.2", 30}}));
    QCOMPARE(rows(model), (QStringList{u"IP 203.0.113.7 66 3"_qs, u"subject mallory 60 1"_qs,
                                       u"IP 198.51.100.2 35 2"_qs, u"subject alice 12 1"_qs}));
    QCOMPARE(model.keyAt(1), u"mallory"_qs);
    QVERIFY(model.isSubjectAt(1));
    QVERIFY(!model.isSubjectAt(0));
    QCOMPARE(model.keyAt(99), QString());
    QCOMPARE(model.index(0, OffendersModel::Denials).data(OffendersModel::SortRole).toULongLong(),
             66ull);
}

void OffendersModelTest::replacesANodesListsOnUpdate() {
    OffendersModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    model.update(u"a"_qs, lists({{"203.0.113.7", 40}}));
    model.update(u"b"_qs, lists({{"203.0.113.7", 10}}));
    model.update(u"a"_qs, lists({{"192.0.2.1", 3}}));  // a's latest lists replace its previous ones
    QCOMPARE(rows(model), (QStringList{u"IP 203.0.113.7 10 1"_qs, u"IP 192.0.2.1 3 1"_qs}));
    model.update(u"b"_qs, lists({}));
    QCOMPARE(rows(model), QStringList{u"IP 192.0.2.1 3 1"_qs});
}

void OffendersModelTest::forgetsRemovedNodes() {
    OffendersModel model;
    model.update(u"a"_qs, lists({{"203.0.113.7", 40}}));
    model.update(u"b"_qs, lists({{"203.0.113.7", 10}}));
    model.removeNode(u"a"_qs);
    QCOMPARE(rows(model), QStringList{u"IP 203.0.113.7 10 1"_qs});
}

void OffendersModelTest::keepsIpsAndSubjectsApart() {
    OffendersModel model;
    model.update(u"a"_qs, lists({{"same", 4}}, {{"same", 9}}));
    QCOMPARE(rows(model), (QStringList{u"subject same 9 1"_qs, u"IP same 4 1"_qs}));
}

void OffendersModelTest::capsAtFiftyRows() {
    OffendersModel model;
    std::vector<fleet::Offender> many;
    for (int i = 0; i < 80; ++i) many.push_back({"10.0.0." + std::to_string(i), uint64_t(i + 1)});
    model.update(u"a"_qs, lists(many));
    QCOMPARE(model.rowCount(), OffendersModel::kMaxRows);
    QCOMPARE(model.keyAt(0), u"10.0.0.79"_qs);
    QCOMPARE(model.keyAt(49), u"10.0.0.30"_qs);
}

void OffendersModelTest::selectionFollowsItsKeyWhenTheOrderChanges() {
    OffendersModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    model.update(u"a"_qs, lists({{"first", 30}, {"second", 20}, {"third", 10}}));
    QPersistentModelIndex selected(model.index(2, OffendersModel::Key));  // "third"
    QPersistentModelIndex leaving(model.index(0, OffendersModel::Key));   // "first"
    QSignalSpy reset(&model, &QAbstractItemModel::modelReset);
    model.update(u"a"_qs, lists({{"third", 90}, {"second", 20}, {"new", 15}}));
    QCOMPARE(reset.count(), 0);
    QCOMPARE(model.keyAt(0), u"third"_qs);
    QCOMPARE(selected.row(), 0);
    QCOMPARE(selected.data().toString(), u"third"_qs);
    QVERIFY(!leaving.isValid());
    QCOMPARE(rows(model),
             (QStringList{u"IP third 90 1"_qs, u"IP second 20 1"_qs, u"IP new 15 1"_qs}));
}

QTEST_GUILESS_MAIN(OffendersModelTest)
#include "OffendersModelTest.moc"
