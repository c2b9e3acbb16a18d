#include <QAction>
#include <QApplication>
#include <QComboBox>
#include <QImage>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QTableView>
#include <QTableWidget>
#include <QtCharts/QChart>
#include <QtTest>

#include "ConsoleFixture.h"
#include "ui/AddNodeDialog.h"
#include "ui/BigNumber.h"
#include "ui/ChartsPanel.h"
#include "ui/FleetTable.h"
#include "ui/MainWindow.h"
#include "ui/MainWindowActions.h"
#include "ui/OffendersPanel.h"
#include "ui/ShortcutsDialog.h"
#include "ui/Theme.h"
#include "ui/TimeChart.h"

using namespace rampart::console;
using namespace rampart::console::test;

class MainWindowTest : public QObject {
    Q_OBJECT
private:
    std::unique_ptr<ConsoleFixture> f;
    std::unique_ptr<MainWindow> window;
    double m_baseFontSize = 0;

    void open(int nodes = 3, const QString& role = "operator") {
        f = std::make_unique<ConsoleFixture>();
        f->addNodes(nodes, role);
        window = std::make_unique<MainWindow>(f->models(), f->actions);
        window->resize(1600, 1000);
        window->show();
        QVERIFY(QTest::qWaitForWindowExposed(window.get()));
    }

    template <typename T>
    T* child(const char* name) {
        auto* w = window->findChild<T*>(name);
        if (!w) qFatal("no child %s", name);
        return w;
    }

    // A launch in progress: 15 minutes of six nodes, one down, an operator action and an alert.
    void launchScene() {
        f->feed(900);
        f->fleet.setState("auth-6", rampart::fleet::ConnectionState::Down,
                          "connection refused (reconnecting in 2 s)");
        f->events.add(EventLogModel::Kind::Connection, "auth-6", "down: connection refused",
                      f->nowMs() - 20'000);
        f->events.add(EventLogModel::Kind::Action, "fleet", "update limits (from revision 7)",
                      f->nowMs() - 330'000);
        f->events.add(EventLogModel::Kind::Result, "auth-1", "update limits: done",
                      f->nowMs() - 329'000);
        f->events.add(EventLogModel::Kind::Action, "fleet", "block 203.0.113.7 for 900 s",
                      f->nowMs() - 240'000);
        f->alerts.evaluate(AlertRules::kFleetScope, 4, 72, 60, f->nowMs());
        f->alerts.evaluate("auth-5", 4, 40, 106, f->nowMs());
        f->events.add(EventLogModel::Kind::Alert, "fleet", "p99 at 72 ms (threshold 50 ms)",
                      f->nowMs() - 200'000);
        window->setWindowMinutes(15);
        window->offenders()->table()->selectRow(0);
    }

    QString saveShot(const QString& name) {
        const int before = window->charts()->redrawCount();
        const QString nodes = QString("%1 / %2").arg(f->fleet.upCount()).arg(f->fleet.rowCount());
        auto* requests = child<BigNumber>("overviewRequests");
        auto* up = child<BigNumber>("overviewNodes");
        if (!QTest::qWaitFor([&] {
                return window->charts()->redrawCount() > before && requests->value() != "–" &&
                       up->value() == nodes;
            })) {
            return {};
        }
        const QString path = QCoreApplication::applicationDirPath() + "/" + name;
        if (!window->grab().save(path, "PNG")) return {};
        qInfo("rendered the main window to %s", qPrintable(path));
        return path;
    }

private slots:
    void initTestCase() { m_baseFontSize = QApplication::font().pointSizeF(); }
    void cleanup() {
        window.reset();
        f.reset();
        Theme::apply(Theme::Mode::Light);
    }

    void composesThePanels() {
        open();
        for (const char* name : {"overviewStrip", "chartsPanel", "fleetTable", "limitsPanel",
                                 "offendersPanel", "scalingPanel", "eventLog", "scopeSelector"}) {
            QVERIFY2(window->findChild<QWidget*>(name), name);
        }
        QCOMPARE(window->fleetTable()->model()->rowCount(), 3);
    }

    void warRoomModeIsDarkAndLarge() {
        open();
        const QColor light = QApplication::palette().color(QPalette::Window);
        QVERIFY(light.lightness() > 150);
        window->actions()->warRoom->trigger();
        QVERIFY(window->isWarRoomMode());
        QVERIFY(QApplication::palette().color(QPalette::Window).lightness() < 60);
        QVERIFY(QApplication::palette().color(QPalette::WindowText).lightness() > 180);
        QCOMPARE(QApplication::font().pointSizeF(), m_baseFontSize * Theme::kWarRoomFontScale);
        QVERIFY(window->windowState() & Qt::WindowFullScreen);
        for (int i = 0; i < window->charts()->chartCount(); ++i) {
            QCOMPARE(window->charts()->chart(i)->chart()->theme(), QChart::ChartThemeDark);
        }
        QVERIFY(f->settings.warRoomMode());

        window->actions()->warRoom->trigger();
        QVERIFY(QApplication::palette().color(QPalette::Window).lightness() > 150);
        QCOMPARE(QApplication::font().pointSizeF(), m_baseFontSize);
        QVERIFY(!(window->windowState() & Qt::WindowFullScreen));
        QCOMPARE(window->charts()->chart(0)->chart()->theme(), QChart::ChartThemeLight);
    }

    void spacePausesAndShowsTheBanner() {
        open();
        f->feed(60);
        window->activateWindow();
        QVERIFY(QTest::qWaitForWindowActive(window.get()));
        window->fleetTable()->setFocus();
        QTest::keyClick(window.get(), Qt::Key_Space);
        QVERIFY(window->charts()->isPaused());
        QVERIFY(child<QLabel>("pausedBanner")->isVisible());
        QVERIFY(window->actions()->pause->isChecked());
        QTest::keyClick(window.get(), Qt::Key_Space);
        QVERIFY(!window->charts()->isPaused());
        QVERIFY(!child<QLabel>("pausedBanner")->isVisible());
    }

    void shortcutsAreListedInHelp() {
        open();
        auto* a = window->actions();
        QCOMPARE(a->warRoom->shortcut(), QKeySequence(Qt::Key_F11));
        QCOMPARE(a->pause->shortcut(), QKeySequence(Qt::Key_Space));
        QCOMPARE(a->focusLimits->shortcut(), QKeySequence("Ctrl+L"));
        QCOMPARE(a->blockOffender->shortcut(), QKeySequence("Ctrl+B"));
        QCOMPARE(a->exportPng->shortcut(), QKeySequence("Ctrl+E"));
        QCOMPARE(a->focusFleet->shortcut(), QKeySequence("Ctrl+F"));
        a->shortcuts->trigger();
        auto* dialog = window->findChild<ShortcutsDialog*>();
        QVERIFY(dialog);
        QVERIFY(dialog->rowCount() >= 6);
        auto* table = dialog->findChild<QTableWidget*>("shortcutsTable");
        QStringList keys;
        for (int row = 0; row < table->rowCount(); ++row) keys << table->item(row, 0)->text();
        for (const auto& key : {a->warRoom, a->pause, a->focusLimits, a->blockOffender,
                                a->exportPng, a->focusFleet}) {
            QVERIFY(keys.contains(key->shortcut().toString(QKeySequence::NativeText)));
        }
    }

    void ctrlBBlocksTheSelectedOffender() {
        open();
        f->feed(2);
        window->offenders()->table()->selectRow(0);
        window->actions()->blockOffender->trigger();
        QCOMPARE(f->actions.callsOf("block").size(), 1);
        QCOMPARE(f->actions.callsOf("block")[0].value, f->offenders.keyAt(0));
    }

    void addNodeAsksTheApplication() {
        open();
        QSignalSpy asked(window.get(), &MainWindow::addNodeRequested);
        window->actions()->addNode->trigger();
        auto* dialog = window->findChild<AddNodeDialog*>();
        QVERIFY(dialog);
        auto* ok = dialog->findChild<QPushButton*>("confirmAddNode");
        QVERIFY(!ok->isEnabled());
        const QList<QPair<const char*, QString>> fields{{"nodeName", "auth-9"},
                                                        {"nodeAddress", "10.0.0.9:7443"},
                                                        {"nodeCa", "/etc/rampart/ca.pem"},
                                                        {"nodeCert", "/etc/rampart/console.pem"},
                                                        {"nodeKey", "/etc/rampart/console.key"}};
        for (const auto& [name, value] : fields)
            dialog->findChild<QLineEdit*>(name)->setText(value);
        QVERIFY(ok->isEnabled());
        QTest::mouseClick(ok, Qt::LeftButton);
        QCOMPARE(asked.count(), 1);
        const auto args = asked.first();
        for (int i = 0; i < fields.size(); ++i) QCOMPARE(args[i].toString(), fields[i].second);
    }

    void windowAndScopeReachTheCharts() {
        open();
        window->actions()->windowAction(60)->trigger();
        QCOMPARE(window->charts()->windowMinutes(), 60);
        QCOMPARE(f->settings.chartWindowMinutes(), 60);
        auto* scope = child<QComboBox>("scopeSelector");
        scope->setCurrentIndex(scope->findText("auth-2"));
        QCOMPARE(window->charts()->scope(), QStringLiteral("auth-2"));
    }

    void exportsChartPngAndSeriesCsv() {
        open();
        f->feed(120);
        QTRY_VERIFY(window->charts()->redrawCount() >= 1);
        const QString png = f->dir.filePath("chart.png");
        QVERIFY(window->exportChartPng(png, ChartsPanel::Latency));
        QImage image(png);
        QVERIFY(!image.isNull());
        QVERIFY(image.width() > 300);
        const QString csv = f->dir.filePath("series.csv");
        QVERIFY(window->exportCsv(csv));
        QFile file(csv);
        QVERIFY(file.open(QIODevice::ReadOnly));
        const QString header = QString::fromUtf8(file.readLine());
        QVERIFY(header.startsWith("time_iso,"));
        QVERIFY(header.contains("Latency: p99 (ms)"));
    }

    void aViewerConsoleIsReadOnly() {
        open(2, "viewer");
        f->feed(2);
        const QString fleetWide = "your certificate is a viewer on every node: read-only";
        window->offenders()->table()->selectRow(0);
        for (const char* name : {"blockButton", "revokeButton"}) {
            QVERIFY(!child<QPushButton>(name)->isEnabled());
            QCOMPARE(child<QPushButton>(name)->toolTip(), fleetWide);
        }
        QVERIFY(!child<QPushButton>("limitsApply")->isEnabled());
        QCOMPARE(child<QPushButton>("limitsApply")->toolTip(), fleetWide);
        QVERIFY(!child<QPushButton>("scaleApply")->isEnabled());
        QCOMPARE(child<QPushButton>("scaleApply")->toolTip(),
                 QStringLiteral("your certificate is a viewer on auth-1: read-only"));
    }

    void rendersTheMainWindowToPng() {
        open(6);
        launchScene();
        const QString path = saveShot("console-main-window.png");
        QVERIFY(!path.isEmpty());
        QImage shot(path);
        QCOMPARE(shot.size(), window->size() * window->devicePixelRatio());
        QVERIFY(child<QWidget>("alertBanner")->isVisible());
    }

    void rendersTheWarRoomToPng() {
        open(6);
        launchScene();
        window->setWarRoomMode(true);
        // The offscreen screen is small: render the war-room look at a wall display's size.
        window->setWindowState(Qt::WindowNoState);
        window->resize(1920, 1080);
        const QString path = saveShot("console-war-room.png");
        QVERIFY(!path.isEmpty());
        QVERIFY(!QImage(path).isNull());
    }
};

QTEST_MAIN(MainWindowTest)
#include "MainWindowTest.moc"
