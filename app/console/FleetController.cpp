#include "FleetController.h"

#include <QDateTime>
#include <QMetaObject>

namespace rampart::console {

FleetController::FleetController(Models models, uint32_t intervalMs, QObject* parent)
    : FleetActions(parent), m_models(models), m_intervalMs(intervalMs) {
    registerFleetMetaTypes();
    // A node that stops talking is shown down within a second, even if its TCP connection has
    // not noticed yet.
    connect(&m_silenceTimer, &QTimer::timeout, this, &FleetController::checkSilence);
    m_silenceTimer.start(250);
    // Alerts are judged on the fleet once a second, from the same figures the overview shows.
    connect(&m_alertTimer, &QTimer::timeout, this, [this] {
        const auto totals = m_models.series.latest(5000);
        double cpu = 0;
        int counted = 0;
        for (const auto& node : m_models.series.nodes()) {
            const auto points = m_models.series.series(node, TimeSeriesStore::Metric::Cpu,
                                                       QDateTime::currentMSecsSinceEpoch() - 5000,
                                                       QDateTime::currentMSecsSinceEpoch(), 1);
            if (!points.isEmpty()) {
                cpu = std::max(cpu, points.last().y());
                ++counted;
            }
        }
        if (totals.requestsPerSecond > 0 || counted > 0) {
            m_models.alerts.evaluate("fleet", 100.0 - totals.successPercent, totals.p99Us / 1000.0, cpu,
                                     QDateTime::currentMSecsSinceEpoch());
        }
    });
    m_alertTimer.start(1000);
    connect(&m_models.alerts, &AlertRules::alertRaised, this,
            [this](const QString& scope, const QString&, const QString& message) {
                m_models.events.add(EventLogModel::Kind::Alert, scope, message,
                                    QDateTime::currentMSecsSinceEpoch());
            });
    connect(&m_models.alerts, &AlertRules::alertCleared, this,
            [this](const QString& scope, const QString& metric) {
                m_models.events.add(EventLogModel::Kind::Alert, scope, metric + " back to normal",
                                    QDateTime::currentMSecsSinceEpoch());
            });
}

FleetController::~FleetController() { m_connections.clear(); }

void FleetController::addNode(const QString& name, const QString& address, const rpc::TlsFiles& tls) {
    if (m_connections.count(name)) return;
    m_models.fleet.addNode(name, address);
    auto connection = std::make_unique<NodeConnection>(name, address, tls, m_intervalMs);
    auto* c = connection.get();
    connect(c, &NodeConnection::snapshotReceived, this, &FleetController::ingest, Qt::QueuedConnection);
    connect(c, &NodeConnection::stateChanged, this, &FleetController::onState, Qt::QueuedConnection);
    connect(c, &NodeConnection::nodeInfoReceived, this,
            [this](const QString& node, const fleet::NodeInfo& info) { m_models.fleet.setNodeInfo(node, info); },
            Qt::QueuedConnection);
    connect(c, &NodeConnection::actionFinished, this,
            [this](const QString& node, const QString& action, const fleet::ActionResult& result) {
                m_models.events.add(EventLogModel::Kind::Result, node,
                                    result.ok ? action + ": done"
                                              : action + ": " + QString::fromStdString(result.code) + " — " +
                                                    QString::fromStdString(result.message),
                                    QDateTime::currentMSecsSinceEpoch());
                emit actionFinished(node, action, result);
            },
            Qt::QueuedConnection);
    connect(c, &NodeConnection::limitsLoaded, this, &FleetActions::limitsLoaded, Qt::QueuedConnection);
    m_connections.emplace(name, std::move(connection));
    c->start();
}

void FleetController::removeNode(const QString& name) {
    m_connections.erase(name);
    m_lastHeard.erase(name);
    m_models.fleet.removeNode(name);
    m_models.series.removeNode(name);
}

QStringList FleetController::nodes() const {
    QStringList names;
    for (const auto& [name, _] : m_connections) names << name;
    return names;
}

void FleetController::ingest(const QString& node, const fleet::Snapshot& snapshot) {
    m_lastHeard[node] = QDateTime::currentMSecsSinceEpoch();
    m_models.fleet.applySnapshot(node, snapshot);
    m_models.series.append(node, snapshot);
    m_models.offenders.update(node, snapshot);
}

void FleetController::onState(const QString& node, fleet::ConnectionState state, const QString& detail) {
    const auto previous = m_models.fleet.stateOf(node);
    m_models.fleet.setState(node, state, detail);
    if (state == fleet::ConnectionState::Up) m_lastHeard[node] = QDateTime::currentMSecsSinceEpoch();
    if (state == previous || state == fleet::ConnectionState::Connecting) return;
    m_models.events.add(EventLogModel::Kind::Connection, node,
                        state == fleet::ConnectionState::Up ? "connected" : "down: " + detail,
                        QDateTime::currentMSecsSinceEpoch());
}

void FleetController::checkSilence() {
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    const qint64 limit = std::max<qint64>(1000, 2 * m_intervalMs);
    for (auto& [name, connection] : m_connections) {
        if (m_models.fleet.stateOf(name) != fleet::ConnectionState::Up) continue;
        auto it = m_lastHeard.find(name);
        if (it != m_lastHeard.end() && now - it->second > limit) {
            onState(name, fleet::ConnectionState::Down, "no snapshot for " + QString::number(now - it->second) + " ms");
            connection->reconnectNow();
        }
    }
}

template <typename Fn>
void FleetController::forEachTarget(const QString& node, Fn fn) {
    for (auto& [name, connection] : m_connections) {
        if (node.isEmpty() || node == name) fn(connection.get());
    }
}

void FleetController::updateLimits(const QString& node, const fleet::Limits& limits,
                                   uint64_t expectedRevision, const QString& reason) {
    m_models.events.add(EventLogModel::Kind::Action, node.isEmpty() ? "fleet" : node,
                        "update limits (from revision " + QString::number(expectedRevision) + ")",
                        QDateTime::currentMSecsSinceEpoch());
    forEachTarget(node, [&](NodeConnection* c) {
        // Each node has its own revision; a fleet-wide change is based on each node's own.
        const quint64 expected = node.isEmpty() ? 0 : expectedRevision;
        QMetaObject::invokeMethod(c, [c, limits, expected, reason] {
            if (expected == 0) {
                // Fleet-wide: read this node's revision first, then apply on top of it.
                QObject::connect(c, &NodeConnection::limitsLoaded, c,
                                 [c, limits, reason](const QString&, const fleet::Limits& current) {
                                     QObject::disconnect(c, &NodeConnection::limitsLoaded, c, nullptr);
                                     fleet::Limits next = limits;
                                     next.blocklist = current.blocklist;
                                     next.allowlist = current.allowlist;
                                     c->updateLimits(next, current.revision, reason);
                                 });
                c->loadLimits();
            } else {
                c->updateLimits(limits, expected, reason);
            }
        }, Qt::QueuedConnection);
    });
}

void FleetController::block(const QString& node, fleet::BlockKind kind, const QString& value,
                            uint32_t seconds, const QString& reason) {
    m_models.events.add(EventLogModel::Kind::Action, node.isEmpty() ? "fleet" : node,
                        "block " + value + " for " + QString::number(seconds) + " s",
                        QDateTime::currentMSecsSinceEpoch());
    forEachTarget(node, [&](NodeConnection* c) {
        QMetaObject::invokeMethod(c, [c, kind, value, seconds, reason] {
            c->block(static_cast<int>(kind), value, seconds, reason);
        }, Qt::QueuedConnection);
    });
}

void FleetController::revoke(const QString& node, const QString& subject, uint32_t seconds,
                             const QString& reason) {
    m_models.events.add(EventLogModel::Kind::Action, node.isEmpty() ? "fleet" : node,
                        "revoke " + subject + " for " + QString::number(seconds) + " s",
                        QDateTime::currentMSecsSinceEpoch());
    forEachTarget(node, [&](NodeConnection* c) {
        QMetaObject::invokeMethod(c, [c, subject, seconds, reason] { c->revoke(subject, seconds, reason); },
                                  Qt::QueuedConnection);
    });
}

void FleetController::scale(const QString& node, uint32_t replicas, const QString& reason) {
    m_models.events.add(EventLogModel::Kind::Action, node.isEmpty() ? "fleet" : node,
                        "scale to " + QString::number(replicas), QDateTime::currentMSecsSinceEpoch());
    forEachTarget(node, [&](NodeConnection* c) {
        QMetaObject::invokeMethod(c, [c, replicas, reason] { c->scale(replicas, reason); }, Qt::QueuedConnection);
    });
}

void FleetController::loadLimits(const QString& node) {
    const QString target = node.isEmpty() && !m_connections.empty() ? m_connections.begin()->first : node;
    forEachTarget(target, [&](NodeConnection* c) {
        QMetaObject::invokeMethod(c, [c] { c->loadLimits(); }, Qt::QueuedConnection);
    });
}

}  // namespace rampart::console
