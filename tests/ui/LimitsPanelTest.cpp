#include <QDoubleSpinBox>
#include <QLabel>
#include <QPushButton>
#include <QtTest>

#include "ConsoleFixture.h"
#include "ui/LimitsDiffDialog.h"
#include "ui/LimitsPanel.h"

using namespace rampart::console;
using namespace rampart::console::test;
using rampart::fleet::Limits;

namespace {

Limits loadedLimits(uint64_t revision) {
    Limits l;
    l.perIp = {100, 200, false};
    l.perSubject = {50, 100, false};
    l.global = {20000, 40000, true};
    l.blocklist = {"192.0.2.0/24"};
    l.revision = revision;
    return l;
}

const QString kStaleMessage = QStringLiteral(
    "limits changed since you read them: you edited revision 7, the node is at revision 8; "
    "reload and apply again");

}  // namespace

class LimitsPanelTest : public QObject {
    Q_OBJECT
private:
    std::unique_ptr<ConsoleFixture> f;
    std::unique_ptr<LimitsPanel> panel;

    template <typename T>
    T* child(const char* name) {
        auto* w = panel->findChild<T*>(name);
        if (!w) qFatal("no child %s", name);
        return w;
    }

    // Load auth-1's limits at `revision` and raise the per-IP rate from 100 to 250.
    void loadAndEdit(uint64_t revision = 7) {
        panel->setTarget("auth-1");
        QTest::mouseClick(child<QPushButton>("limitsLoad"), Qt::LeftButton);
        QCOMPARE(f->actions.callsOf("loadLimits").size(), 1);
        QCOMPARE(f->actions.callsOf("loadLimits").first().node, QStringLiteral("auth-1"));
        QVERIFY(!child<QPushButton>("limitsApply")->isEnabled());
        f->actions.answerLimits("auth-1", loadedLimits(revision));
        QVERIFY(
            child<QLabel>("limitsStatus")->text().contains(QString("Revision %1").arg(revision)));
        QCOMPARE(child<QDoubleSpinBox>("perIpRate")->value(), 100.0);
        QVERIFY(!child<QPushButton>("limitsApply")->isEnabled());  // nothing changed yet
        child<QDoubleSpinBox>("perIpRate")->setValue(250);
    }

    LimitsDiffDialog* openDiff() {
        auto* apply = child<QPushButton>("limitsApply");
        if (!apply->isEnabled()) return nullptr;
        QTest::mouseClick(apply, Qt::LeftButton);
        const auto dialogs = panel->findChildren<LimitsDiffDialog*>();  // the newest is last
        return dialogs.isEmpty() ? nullptr : dialogs.last();
    }

private slots:
    void init() {
        f = std::make_unique<ConsoleFixture>();
        f->addNodes(2);
        panel = std::make_unique<LimitsPanel>(f->fleet, f->actions);
        panel->show();
    }
    void cleanup() {
        panel.reset();
        f.reset();
    }

    void applyShowsTheDiffAndSendsTheLoadedRevision() {
        loadAndEdit(7);
        auto* dialog = openDiff();
        QVERIFY(dialog);
        QVERIFY(dialog->isVisible());
        QCOMPARE(dialog->changedFields(), QStringList{"Per-IP rate: 100 /s → 250 /s"});
        QVERIFY(dialog->basis().contains("revision 7"));
        QVERIFY(f->actions.callsOf("updateLimits").isEmpty());  // nothing sent before confirming

        dialog->accept();
        const auto calls = f->actions.callsOf("updateLimits");
        QCOMPARE(calls.size(), 1);
        QCOMPARE(calls[0].node, QStringLiteral("auth-1"));
        QCOMPARE(calls[0].expectedRevision, uint64_t{7});
        QCOMPARE(calls[0].limits.perIp.rate, 250.0);
        QCOMPARE(calls[0].limits.perIp.burst, 200.0);
        QCOMPARE(calls[0].limits.global, (rampart::fleet::LimitRule{20000, 40000, true}));
        QCOMPARE(calls[0].limits.blocklist, std::vector<std::string>{"192.0.2.0/24"});
    }

    void aStaleRevisionIsExplainedInPlainWords() {
        loadAndEdit(7);
        openDiff()->accept();
        auto* error = child<QLabel>("limitsError");
        QVERIFY(!error->isVisible());
        f->actions.finish("auth-1", "update limits", false, "FAILED_PRECONDITION", kStaleMessage);
        QVERIFY(error->isVisible());
        QVERIFY2(error->text().contains("someone changed the limits since you loaded them "
                                        "(revision 7 → 8); reload and re-apply"),
                 qPrintable(error->text()));
        QVERIFY(error->text().startsWith("auth-1"));
    }

    void reloadingAfterAStaleAnswerKeepsTheEdits() {
        loadAndEdit(7);  // per-IP rate 100 → 250
        openDiff()->accept();
        f->actions.finish("auth-1", "update limits", false, "FAILED_PRECONDITION", kStaleMessage);
        QCOMPARE(child<QLabel>("limitsStatus")->text(), QStringLiteral("Not applied."));
        // Meanwhile someone else raised the global burst.
        auto theirs = loadedLimits(8);
        theirs.global.burst = 60000;
        panel->load();
        f->actions.answerLimits("auth-1", theirs);
        QCOMPARE(panel->loadedRevision(), std::optional<uint64_t>(8));
        QCOMPARE(child<QDoubleSpinBox>("perIpRate")->value(), 250.0);      // ours, kept
        QCOMPARE(child<QDoubleSpinBox>("globalBurst")->value(), 60000.0);  // theirs, not undone
        auto* dialog = openDiff();
        QVERIFY(dialog);
        QCOMPARE(dialog->changedFields(), QStringList{"Per-IP rate: 100 /s → 250 /s"});
        QVERIFY(dialog->basis().contains("revision 8"));
        dialog->accept();
        QCOMPARE(f->actions.callsOf("updateLimits").last().expectedRevision, uint64_t{8});
        QCOMPARE(f->actions.callsOf("updateLimits").last().limits.global.burst, 60000.0);
    }

    void aTerseStaleAnswerFallsBackToTheRevisionTheTableSaw() {
        f->feed(3);  // the fleet table has seen revision 7 in snapshots
        auto s = f->snapshot(0, f->nowMs() + 1000, 1000);
        s.limitsRevision = 9;
        f->fleet.applySnapshot("auth-1", s);
        loadAndEdit(7);
        openDiff()->accept();
        f->actions.finish("auth-1", "update limits", false, "FAILED_PRECONDITION", "stale");
        QVERIFY2(child<QLabel>("limitsError")->text().contains("(revision 7 → 9)"),
                 qPrintable(child<QLabel>("limitsError")->text()));
    }

    void successReloadsTheNewRevision() {
        loadAndEdit(7);
        openDiff()->accept();
        f->actions.finish("auth-1", "update limits", true);
        auto updated = loadedLimits(8);
        updated.perIp.rate = 250;
        f->actions.answerLimits("auth-1", updated);
        QCOMPARE(panel->loadedRevision(), std::optional<uint64_t>(8));
        QVERIFY(!child<QLabel>("limitsError")->isVisible());
        QVERIFY(!child<QPushButton>("limitsApply")->isEnabled());  // nothing left to apply
    }

    void cancellingSendsNothing() {
        loadAndEdit(7);
        openDiff()->reject();
        QVERIFY(f->actions.callsOf("updateLimits").isEmpty());
        QVERIFY(child<QPushButton>("limitsApply")->isEnabled());
    }

    void anotherNodesAnswerIsNotTaken() {
        panel->setTarget("auth-1");
        panel->load();
        f->actions.answerLimits("auth-2", loadedLimits(3));
        QVERIFY(!panel->loadedRevision());
        f->actions.answerLimits("auth-1", loadedLimits(7));
        QCOMPARE(panel->loadedRevision(), std::optional<uint64_t>(7));
    }

    void theWholeFleetIsOneChange() {
        panel->setTarget({});
        panel->load();
        QCOMPARE(f->actions.callsOf("loadLimits").first().node, QString());
        f->actions.answerLimits("auth-1", loadedLimits(4));
        child<QDoubleSpinBox>("globalBurst")->setValue(50000);
        auto* dialog = openDiff();
        QVERIFY(dialog);
        QCOMPARE(dialog->changedFields(), QStringList{"Global burst: 40000 → 50000"});
        QVERIFY(dialog->windowTitle().contains("all 2 nodes"));
        dialog->accept();
        const auto calls = f->actions.callsOf("updateLimits");
        QCOMPARE(calls.size(), 1);
        QCOMPARE(calls[0].node, QString());
        QCOMPARE(calls[0].expectedRevision, uint64_t{4});
        // Each node answers for itself; a refusal names the node.
        f->actions.finish("auth-1", "update limits", true);
        f->actions.finish("auth-2", "update limits", false, "PERMISSION_DENIED", "viewer");
        QVERIFY(child<QLabel>("limitsError")->text().startsWith("auth-2"));
    }

    void aViewerCannotApplyAndIsToldWhy() {
        f->setRole("auth-1", "viewer");
        loadAndEdit(7);  // reading is allowed
        auto* apply = child<QPushButton>("limitsApply");
        QVERIFY(!apply->isEnabled());
        QCOMPARE(apply->toolTip(),
                 QStringLiteral("your certificate is a viewer on auth-1: read-only"));
        QVERIFY(!openDiff());
        // auth-2 is still an operator's.
        panel->setTarget("auth-2");
        panel->load();
        f->actions.answerLimits("auth-2", loadedLimits(2));
        child<QDoubleSpinBox>("perUserRate")->setValue(75);
        QVERIFY(apply->isEnabled());
        // Viewer everywhere: the fleet target is read-only too.
        f->setRole("auth-2", "viewer");
        panel->setTarget({});
        QVERIFY(!apply->isEnabled());
        QCOMPARE(apply->toolTip(),
                 QStringLiteral("your certificate is a viewer on every node: read-only"));
    }
};

QTEST_MAIN(LimitsPanelTest)
#include "LimitsPanelTest.moc"
