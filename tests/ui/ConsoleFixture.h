#pragma once

#include <QString>
#include <QTemporaryDir>

#include "FakeFleetActions.h"
#include "models/AlertRules.h"
#include "models/ConsoleSettings.h"
#include "models/EventLogModel.h"
#include "models/FleetModel.h"
#include "models/OffendersModel.h"
#include "models/TimeSeriesStore.h"
#include "ui/MainWindow.h"

namespace rampart::console::test {

// Real models fed with synthetic snapshots of a fleet under a launch spike, settings in a
// temporary directory, and a fake fleet to act on.
class ConsoleFixture {
public:
    ConsoleFixture();

    // auth-1 … auth-n, Up, with the console's role on each.
    void addNodes(int count, const QString& role = QStringLiteral("operator"));
    void setRole(const QString& node, const QString& role);
    // `steps` snapshots per node, `intervalMs` apart, ending at the fixture's clock (which
    // starts an hour ago and moves on with each call).
    void feed(int steps, int intervalMs = 1000);
    fleet::Snapshot snapshot(int nodeIndex, qint64 timeMs, int intervalMs) const;
    qint64 nowMs() const { return m_nowMs; }
    QString nodeName(int index) const { return QStringLiteral("auth-%1").arg(index + 1); }
    MainWindow::Models models();

    QTemporaryDir dir;
    FleetModel fleet;
    TimeSeriesStore series;
    EventLogModel events;
    OffendersModel offenders;
    AlertRules alerts;
    ConsoleSettings settings;
    FakeFleetActions actions;

private:
    int m_nodes = 0;
    qint64 m_nowMs;
    qint64 m_startMs;
    uint64_t m_sequence = 0;
};

}  // namespace rampart::console::test
