#include "ui/MainWindow.h"

#include <QAction>
#include <QActionGroup>
#include <QDateTime>
#include <QFile>
#include <QFileDialog>
#include <QLabel>
#include <QMenuBar>
#include <QMessageBox>
#include <QSaveFile>
#include <QSplitter>
#include <QStatusBar>
#include <QTabWidget>
#include <QToolBar>
#include <QVBoxLayout>

#include "models/AlertRules.h"
#include "models/ConsoleSettings.h"
#include "models/EventLogModel.h"
#include "models/FleetActions.h"
#include "models/FleetModel.h"
#include "models/OffendersModel.h"
#include "models/TimeSeriesStore.h"
#include "ui/AccessPolicy.h"
#include "ui/AddNodeDialog.h"
#include "ui/AlertBanner.h"
#include "ui/ChartsPanel.h"
#include "ui/EventLogView.h"
#include "ui/FleetTable.h"
#include "ui/LimitsPanel.h"
#include "ui/MainWindowActions.h"
#include "ui/OffendersPanel.h"
#include "ui/OverviewStrip.h"
#include "ui/ScalingPanel.h"
#include "ui/ShortcutsDialog.h"
#include "ui/TargetSelector.h"
#include "ui/Theme.h"
#include "ui/TimeChart.h"

namespace rampart::console {

MainWindow::MainWindow(const Models& models, FleetActions& actions, QWidget* parent)
    : QMainWindow(parent), m_models(models), m_actions(new MainWindowActions(this)) {
    setObjectName("mainWindow");
    setWindowTitle(tr("Rampart console"));
    Theme::apply(Theme::Mode::Light);
    buildLayout(models, actions);
    buildMenus();
    connectActions();
    setWindowMinutes(models.settings.chartWindowMinutes());
    if (models.settings.warRoomMode()) setWarRoomMode(true);
    resize(1600, 1000);
}

MainWindow::~MainWindow() = default;

void MainWindow::buildLayout(const Models& models, FleetActions& actions) {
    m_alertBanner = new AlertBanner(models.alerts);
    m_overview = new OverviewStrip(models.series, models.fleet, models.alerts);
    m_overview->setObjectName("overviewStrip");
    m_charts = new ChartsPanel(models.series, models.events);
    m_charts->setObjectName("chartsPanel");
    m_fleetTable = new FleetTable(models.fleet);
    m_limits = new LimitsPanel(models.fleet, actions);
    m_limits->setObjectName("limitsPanel");
    m_offenders = new OffendersPanel(models.offenders, models.fleet, actions);
    m_offenders->setObjectName("offendersPanel");
    m_scaling = new ScalingPanel(models.fleet, actions);
    m_scaling->setObjectName("scalingPanel");
    m_eventLog = new EventLogView(models.events);

    m_tabs = new QTabWidget;
    m_tabs->setObjectName("panelTabs");
    m_tabs->addTab(m_offenders, tr("Top offenders"));
    m_tabs->addTab(m_limits, tr("Limits"));
    m_tabs->addTab(m_scaling, tr("Scaling"));

    auto* side = new QSplitter(Qt::Vertical);
    side->setObjectName("sideSplitter");
    side->addWidget(m_fleetTable);
    side->addWidget(m_tabs);
    side->addWidget(m_eventLog);
    side->setStretchFactor(0, 4);
    side->setStretchFactor(1, 3);
    side->setStretchFactor(2, 3);
    side->setChildrenCollapsible(false);

    auto* main = new QSplitter(Qt::Horizontal);
    main->setObjectName("mainSplitter");
    main->addWidget(m_charts);
    main->addWidget(side);
    // The fleet table's nine columns need about 40 % of the width to be read without
    // scrolling, in large type too; the charts get the rest.
    main->setStretchFactor(0, 58);
    main->setStretchFactor(1, 42);
    main->setSizes({580, 420});
    main->setChildrenCollapsible(false);

    auto* central = new QWidget;
    auto* layout = new QVBoxLayout(central);
    layout->setContentsMargins(6, 6, 6, 6);
    layout->setSpacing(6);
    layout->addWidget(m_alertBanner);
    layout->addWidget(m_overview);
    layout->addWidget(main, 1);
    setCentralWidget(central);

    m_scope = new TargetSelector(models.fleet, tr("Fleet"));
    m_scope->setObjectName("scopeSelector");
    m_scope->setToolTip(tr("What the charts show: the whole fleet, or one node"));
}

void MainWindow::buildMenus() {
    auto* file = menuBar()->addMenu(tr("&File"));
    file->addAction(m_actions->addNode);
    file->addAction(m_actions->openFleet);
    file->addSeparator();
    file->addAction(m_actions->exportPng);
    file->addAction(m_actions->exportCsv);
    file->addAction(m_actions->exportEvents);
    file->addSeparator();
    file->addAction(m_actions->quit);

    auto* view = menuBar()->addMenu(tr("&View"));
    view->addAction(m_actions->pause);
    view->addAction(m_actions->warRoom);
    auto* window = view->addMenu(tr("Chart &window"));
    window->addActions(m_actions->windows);
    view->addSeparator();
    view->addAction(m_actions->focusFleet);
    view->addAction(m_actions->focusLimits);

    auto* act = menuBar()->addMenu(tr("&Actions"));
    act->addAction(m_actions->blockOffender);

    auto* help = menuBar()->addMenu(tr("&Help"));
    help->addAction(m_actions->shortcuts);

    auto* bar = addToolBar(tr("Console"));
    bar->setObjectName("mainToolBar");
    bar->setMovable(false);
    bar->addAction(m_actions->addNode);
    bar->addAction(m_actions->openFleet);
    bar->addSeparator();
    bar->addWidget(new QLabel(tr(" Scope ")));
    bar->addWidget(m_scope);
    bar->addSeparator();
    bar->addWidget(new QLabel(tr(" Window ")));
    bar->addActions(m_actions->windows);
    bar->addSeparator();
    bar->addAction(m_actions->pause);
    bar->addAction(m_actions->exportPng);
    bar->addAction(m_actions->exportCsv);
    bar->addSeparator();
    bar->addAction(m_actions->warRoom);
    // Shortcuts work wherever focus is in the window, also for actions only in a menu.
    addActions({m_actions->focusFleet, m_actions->focusLimits, m_actions->blockOffender,
                m_actions->shortcuts, m_actions->exportEvents});
}

void MainWindow::connectActions() {
    auto* a = m_actions;
    connect(a->addNode, &QAction::triggered, this, &MainWindow::askAddNode);
    connect(a->openFleet, &QAction::triggered, this, &MainWindow::askOpenFleet);
    connect(a->exportPng, &QAction::triggered, this, &MainWindow::askExportPng);
    connect(a->exportCsv, &QAction::triggered, this, &MainWindow::askExportCsv);
    connect(a->exportEvents, &QAction::triggered, this, &MainWindow::askExportEvents);
    connect(a->quit, &QAction::triggered, this, &QWidget::close);
    connect(a->pause, &QAction::toggled, this, &MainWindow::setPaused);
    connect(a->warRoom, &QAction::toggled, this, &MainWindow::setWarRoomMode);
    connect(a->windowGroup, &QActionGroup::triggered, this,
            [this](QAction* action) { setWindowMinutes(action->data().toInt()); });
    connect(a->focusFleet, &QAction::triggered, this, [this] { m_fleetTable->setFocus(); });
    connect(a->focusLimits, &QAction::triggered, this, [this] { showPanel(m_limits); });
    connect(a->blockOffender, &QAction::triggered, this, [this] {
        showPanel(m_offenders);
        if (m_offenders->blockSelected()) return;
        const QString readOnly = AccessPolicy::readOnlyReason(m_models.fleet, {});
        statusBar()->showMessage(readOnly.isEmpty() ? tr("Select an offender to block first")
                                                    : tr("Cannot block: %1").arg(readOnly),
                                 5000);
    });
    connect(a->shortcuts, &QAction::triggered, this, &MainWindow::showShortcuts);
    connect(m_charts, &ChartsPanel::pausedChanged, this, [this](bool paused) {
        m_actions->pause->setChecked(paused);
        m_actions->pause->setText(paused ? tr("&Resume") : tr("&Pause"));
    });
    connect(m_scope, &TargetSelector::targetChanged, this, &MainWindow::setScope);
    connect(m_fleetTable, &FleetTable::nodeActivated, this,
            [this](const QString& node) { m_scope->setTarget(node); });
}

void MainWindow::showPanel(QWidget* panel) {
    m_tabs->setCurrentWidget(panel);
    panel->setFocus();
    if (auto* first = panel->nextInFocusChain(); first && panel->isAncestorOf(first)) {
        first->setFocus();
    }
}

void MainWindow::setPaused(bool paused) {
    m_charts->setPaused(paused);
    m_actions->pause->setChecked(paused);
}

void MainWindow::setWindowMinutes(int minutes) {
    minutes = std::clamp(minutes, ConsoleSettings::kMinChartWindowMinutes,
                         ConsoleSettings::kMaxChartWindowMinutes);
    // Only the offered windows: anything else (an old setting) goes to the nearest above.
    int offered = 60;
    for (int m : {1, 5, 15, 60}) {
        if (m >= minutes) {
            offered = m;
            break;
        }
    }
    m_charts->setWindowMinutes(offered);
    if (auto* action = m_actions->windowAction(offered)) action->setChecked(true);
    if (m_models.settings.chartWindowMinutes() != offered) {
        m_models.settings.setChartWindowMinutes(offered);
    }
}

void MainWindow::setScope(const QString& node) {
    if (m_scope->target() != node) m_scope->setTarget(node);
    m_charts->setScope(m_scope->target());
}

void MainWindow::setWarRoomMode(bool on) {
    if (on == m_warRoom) return;
    m_warRoom = on;
    Theme::apply(on ? Theme::Mode::WarRoom : Theme::Mode::Light);
    m_charts->applyTheme();
    m_actions->warRoom->setChecked(on);
    if (on) {
        m_stateBeforeWarRoom = windowState() & ~Qt::WindowFullScreen;
        setWindowState(windowState() | Qt::WindowFullScreen);
    } else {
        setWindowState(m_stateBeforeWarRoom);
    }
    if (m_models.settings.warRoomMode() != on) m_models.settings.setWarRoomMode(on);
}

bool MainWindow::exportChartPng(const QString& path, int chart) {
    const QPixmap pixmap = m_charts->grabChart(chart);
    if (pixmap.isNull() || !pixmap.save(path, "PNG")) {
        QMessageBox::warning(this, tr("Export chart"), tr("Could not write %1").arg(path));
        return false;
    }
    statusBar()->showMessage(tr("Saved %1").arg(path), 5000);
    return true;
}

bool MainWindow::exportCsv(const QString& path) {
    return writeText(path, TimeSeriesStore::toCsv(m_charts->seriesInView()));
}

bool MainWindow::exportEventLog(const QString& path) {
    return writeText(path, m_models.events.toCsv());
}

bool MainWindow::writeText(const QString& path, const QString& text) {
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly) || file.write(text.toUtf8()) < 0 || !file.commit()) {
        QMessageBox::warning(this, tr("Export"),
                             tr("Could not write %1: %2").arg(path, file.errorString()));
        return false;
    }
    statusBar()->showMessage(tr("Saved %1").arg(path), 5000);
    return true;
}

namespace {
QString stamped(const QString& what, const QString& extension) {
    return QStringLiteral("rampart-%1-%2.%3")
        .arg(what, QDateTime::currentDateTime().toString("yyyyMMdd-HHmmss"), extension);
}
}  // namespace

void MainWindow::askExportPng() {
    const int chart = m_charts->currentChart();
    const QString name = m_charts->chart(chart)->title().toLower();
    const QString path = QFileDialog::getSaveFileName(this, tr("Export chart as PNG"),
                                                      stamped(name, "png"), tr("PNG (*.png)"));
    if (!path.isEmpty()) exportChartPng(path, chart);
}

void MainWindow::askExportCsv() {
    const QString path = QFileDialog::getSaveFileName(this, tr("Export the series in view"),
                                                      stamped("series", "csv"), tr("CSV (*.csv)"));
    if (!path.isEmpty()) exportCsv(path);
}

void MainWindow::askExportEvents() {
    const QString path = QFileDialog::getSaveFileName(this, tr("Export the event log"),
                                                      stamped("events", "csv"), tr("CSV (*.csv)"));
    if (!path.isEmpty()) exportEventLog(path);
}

void MainWindow::askAddNode() {
    auto* dialog = new AddNodeDialog(this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    connect(dialog, &QDialog::accepted, this, [this, dialog] {
        emit addNodeRequested(dialog->name(), dialog->address(), dialog->caFile(),
                              dialog->certFile(), dialog->keyFile());
    });
    dialog->open();
}

void MainWindow::askOpenFleet() {
    const QString path =
        QFileDialog::getOpenFileName(this, tr("Open fleet file"), m_models.settings.lastFleetFile(),
                                     tr("Fleet files (*.yaml *.yml *.json *.ini);;All files (*)"));
    if (path.isEmpty()) return;
    m_models.settings.setLastFleetFile(path);
    emit openFleetFileRequested(path);
}

void MainWindow::showShortcuts() {
    auto* dialog = new ShortcutsDialog(m_actions->withShortcuts(), this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->open();
}

}  // namespace rampart::console
