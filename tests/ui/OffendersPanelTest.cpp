#include <QComboBox>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QTableView>
#include <QtTest>

#include "ConsoleFixture.h"
#include "ui/OffendersPanel.h"
#include "ui/RevokeDialog.h"

using namespace rampart::console;
using namespace rampart::console::test;
using rampart::fleet::BlockKind;

class OffendersPanelTest : public QObject {
    Q_OBJECT
private:
    std::unique_ptr<ConsoleFixture> f;
    std::unique_ptr<OffendersPanel> panel;

    void select(const QString& key) {
        for (int row = 0; row < f->offenders.rowCount(); ++row) {
            if (f->offenders.keyAt(row) == key) {
                panel->table()->selectRow(row);
                return;
            }
        }
        QFAIL(qPrintable("no offender " + key));
    }
    QPushButton* button(const char* name) { return panel->findChild<QPushButton*>(name); }

private slots:
    void init() {
        f = std::make_unique<ConsoleFixture>();
        f->addNodes(3);
        f->feed(2);
        panel = std::make_unique<OffendersPanel>(f->offenders, f->fleet, f->actions);
        panel->show();
    }
    void cleanup() {
        panel.reset();
        f.reset();
    }

    void blockNeedsASelection() {
        QVERIFY(f->offenders.rowCount() >= 4);
        QVERIFY(!button("blockButton")->isEnabled());
        QVERIFY(!panel->blockSelected());
        QVERIFY(f->actions.calls.isEmpty());
    }

    void blocksAnIpAsAClientOnEveryNode() {
        select("203.0.113.7");
        panel->findChild<QComboBox*>("blockDuration")->setCurrentIndex(2);  // 1h
        QVERIFY(button("blockButton")->isEnabled());
        QVERIFY(button("blockButton")->text().contains("203.0.113.7"));
        QTest::mouseClick(button("blockButton"), Qt::LeftButton);
        const auto calls = f->actions.callsOf("block");
        QCOMPARE(calls.size(), 1);
        QCOMPARE(calls[0].node, QString());
        QCOMPARE(calls[0].kind, BlockKind::Client);
        QCOMPARE(calls[0].value, QStringLiteral("203.0.113.7"));
        QCOMPARE(calls[0].seconds, 3600u);
    }

    void blocksASubjectAsASubject() {
        select("user-4711");
        panel->setBlockSeconds(300);
        QVERIFY(panel->blockSelected());
        const auto calls = f->actions.callsOf("block");
        QCOMPARE(calls.size(), 1);
        QCOMPARE(calls[0].kind, BlockKind::Subject);
        QCOMPARE(calls[0].value, QStringLiteral("user-4711"));
        QCOMPARE(calls[0].seconds, 300u);
    }

    void offersEveryDuration() {
        auto* duration = panel->findChild<QComboBox*>("blockDuration");
        QStringList shown;
        for (int i = 0; i < duration->count(); ++i) shown << duration->itemText(i);
        QCOMPARE(shown, (QStringList{"5m", "15m", "1h", "24h"}));
        QCOMPARE(panel->blockSeconds(), 900u);  // 15m unless chosen
    }

    void revokesTheSelectedSubject() {
        select("user-4711");
        QTest::mouseClick(button("revokeButton"), Qt::LeftButton);
        auto* dialog = panel->findChild<RevokeDialog*>();
        QVERIFY(dialog);
        QCOMPARE(dialog->subject(), QStringLiteral("user-4711"));
        dialog->findChild<QLineEdit*>("revokeReason")->setText("credential stuffing");
        dialog->accept();
        const auto calls = f->actions.callsOf("revoke");
        QCOMPARE(calls.size(), 1);
        QCOMPARE(calls[0].node, QString());
        QCOMPARE(calls[0].value, QStringLiteral("user-4711"));
        QCOMPARE(calls[0].seconds, 86400u);
        QCOMPARE(calls[0].reason, QStringLiteral("credential stuffing"));
    }

    void showsTheFleetsAnswer() {
        select("203.0.113.7");
        panel->blockSelected();
        f->actions.finish("auth-2", "block 203.0.113.7 for 900 s", false, "PERMISSION_DENIED",
                          "viewer");
        auto* status = panel->findChild<QLabel*>("offendersStatus");
        QVERIFY(status->text().contains("auth-2"));
        QVERIFY(status->text().contains("PERMISSION_DENIED"));
    }

    void aViewerCannotBlockOrRevokeAndIsToldWhy() {
        for (int i = 0; i < 3; ++i) f->setRole(f->nodeName(i), "viewer");
        select("203.0.113.7");
        for (const char* name : {"blockButton", "revokeButton"}) {
            QVERIFY(!button(name)->isEnabled());
            QCOMPARE(button(name)->toolTip(),
                     QStringLiteral("your certificate is a viewer on every node: read-only"));
        }
        QVERIFY(!panel->blockSelected());
        QVERIFY(f->actions.calls.isEmpty());
    }
};

QTEST_MAIN(OffendersPanelTest)
#include "OffendersPanelTest.moc"
