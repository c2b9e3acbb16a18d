#pragma once

#include <QMainWindow>

class QTabWidget;

namespace rampart::console {

class AlertBanner;
class AlertRules;
class ChartsPanel;
class ConsoleSettings;
class EventLogModel;
class EventLogView;
class FleetActions;
class FleetModel;
class FleetTable;
class LimitsPanel;
class MainWindowActions;
class OffendersModel;
class OffendersPanel;
class OverviewStrip;
class ScalingPanel;
class TargetSelector;
class TimeSeriesStore;

// The war-room window: alert banner and overview strip on top, the live charts, and beside them
// the fleet table, the action panels (limits, offenders, scaling) and the event log. It owns
// no data: the models and the FleetActions are the application's, and outlive it.
//
// Adding nodes and opening fleet files are the application's business: the window asks
// through addNodeRequested / openFleetFileRequested.
class MainWindow : public QMainWindow {
    Q_OBJECT
public:
    struct Models {
        FleetModel& fleet;
        TimeSeriesStore& series;
        EventLogModel& events;
        OffendersModel& offenders;
        AlertRules& alerts;
        ConsoleSettings& settings;
    };

    MainWindow(const Models& models, FleetActions& actions, QWidget* parent = nullptr);
    ~MainWindow() override;

    void setWarRoomMode(bool on);
    bool isWarRoomMode() const { return m_warRoom; }
    void setPaused(bool paused);
    void setWindowMinutes(int minutes);
    // A node's name, or empty for the fleet.
    void setScope(const QString& node);

    // What the export actions do once a file is chosen; false (and a message) on failure.
    bool exportChartPng(const QString& path, int chart);
    bool exportCsv(const QString& path);
    bool exportEventLog(const QString& path);

    ChartsPanel* charts() const { return m_charts; }
    OverviewStrip* overview() const { return m_overview; }
    FleetTable* fleetTable() const { return m_fleetTable; }
    LimitsPanel* limits() const { return m_limits; }
    OffendersPanel* offenders() const { return m_offenders; }
    ScalingPanel* scaling() const { return m_scaling; }
    MainWindowActions* actions() const { return m_actions; }

signals:
    void openFleetFileRequested(const QString& path);
    void addNodeRequested(const QString& name, const QString& address, const QString& caFile,
                          const QString& certFile, const QString& keyFile);

private:
    void buildLayout(const Models& models, FleetActions& actions);
    void buildMenus();
    void connectActions();
    void showPanel(QWidget* panel);
    void askExportPng();
    void askExportCsv();
    void askExportEvents();
    void askAddNode();
    void askOpenFleet();
    void showShortcuts();
    bool writeText(const QString& path, const QString& text);

    Models m_models;
    MainWindowActions* m_actions;
    AlertBanner* m_alertBanner = nullptr;
    OverviewStrip* m_overview = nullptr;
    ChartsPanel* m_charts = nullptr;
    FleetTable* m_fleetTable = nullptr;
    QTabWidget* m_tabs = nullptr;
    LimitsPanel* m_limits = nullptr;
    OffendersPanel* m_offenders = nullptr;
    ScalingPanel* m_scaling = nullptr;
    EventLogView* m_eventLog = nullptr;
    TargetSelector* m_scope = nullptr;
    bool m_warRoom = false;
    Qt::WindowStates m_stateBeforeWarRoom = Qt::WindowNoState;
};

}  // namespace rampart::console
