#pragma once

#include <QSet>
#include <QTimer>
#include <QWidget>

namespace rampart::console {

class AlertRules;
class BigNumber;
class FleetModel;
class TimeSeriesStore;

// The big numbers across the top: total req/s, success %, p99, denials/s, nodes up of total.
// Refreshed on a timer when data arrived (never per snapshot); a tile turns red while an alert
// on its metric is active for the fleet, amber while it is active for a node.
class OverviewStrip : public QWidget {
    Q_OBJECT
public:
    static constexpr int kRefreshIntervalMs = 250;

    OverviewStrip(TimeSeriesStore& store, FleetModel& fleet, AlertRules& alerts,
                  QWidget* parent = nullptr);

    BigNumber* requests() const { return m_requests; }
    BigNumber* success() const { return m_success; }
    BigNumber* p99() const { return m_p99; }
    BigNumber* denials() const { return m_denials; }
    BigNumber* nodes() const { return m_nodes; }

    // Reads the models now (the timer calls it when something changed).
    void refresh();

private:
    void updateLevels();

    TimeSeriesStore& m_store;
    FleetModel& m_fleet;
    AlertRules& m_alerts;
    QTimer m_timer;
    bool m_dirty = true;
    QSet<QPair<QString, QString>> m_active;  // (scope, metric)
    BigNumber* m_requests;
    BigNumber* m_success;
    BigNumber* m_p99;
    BigNumber* m_denials;
    BigNumber* m_nodes;
};

}  // namespace rampart::console
