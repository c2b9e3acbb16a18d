#pragma once

#include <QTimer>
#include <map>
#include <memory>

#include "models/AlertRules.h"
#include "models/EventLogModel.h"
#include "models/FleetActions.h"
#include "models/FleetModel.h"
#include "models/OffendersModel.h"
#include "models/TimeSeriesStore.h"
#include "rpc/console/NodeConnection.h"

namespace rampart::console {

// The console's wiring between the network and the models: one NodeConnection per node, whose
// snapshots feed the time series, fleet table, offenders and alerts, and whose state changes and
// action results go to the event log. Implements FleetActions for the widgets.
class FleetController : public FleetActions {
    Q_OBJECT
public:
    struct Models {
        FleetModel& fleet;
        TimeSeriesStore& series;
        OffendersModel& offenders;
        EventLogModel& events;
        AlertRules& alerts;
    };
    FleetController(Models models, uint32_t intervalMs, QObject* parent = nullptr);
    ~FleetController() override;

    void addNode(const QString& name, const QString& address, const rpc::TlsFiles& tls);
    void removeNode(const QString& name);
    QStringList nodes() const;

    // What every snapshot goes through on arrival: fleet table, time series, offenders. Public
    // so a recorded or synthetic stream can be replayed through the same path (benchmarks).
    void ingest(const QString& node, const fleet::Snapshot& snapshot);

    void updateLimits(const QString& node, const fleet::Limits& limits, uint64_t expectedRevision,
                      const QString& reason) override;
    void block(const QString& node, fleet::BlockKind kind, const QString& value, uint32_t seconds,
               const QString& reason) override;
    void revoke(const QString& node, const QString& subject, uint32_t seconds,
                const QString& reason) override;
    void scale(const QString& node, uint32_t replicas, const QString& reason) override;
    void loadLimits(const QString& node) override;

private:
    void onState(const QString& node, fleet::ConnectionState state, const QString& detail);
    void checkSilence();
    template <typename Fn>
    void forEachTarget(const QString& node, Fn fn);

    Models m_models;
    uint32_t m_intervalMs;
    std::map<QString, std::unique_ptr<NodeConnection>> m_connections;
    std::map<QString, qint64> m_lastHeard;
    QTimer m_silenceTimer;
    QTimer m_alertTimer;
};

}  // namespace rampart::console
