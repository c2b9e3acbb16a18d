#include "ui/OverviewStrip.h"

#include <QHBoxLayout>

#include "models/AlertRules.h"
#include "models/FleetModel.h"
#include "models/TimeSeriesStore.h"
#include "ui/BigNumber.h"
#include "ui/Format.h"

namespace rampart::console {

OverviewStrip::OverviewStrip(TimeSeriesStore& store, FleetModel& fleet, AlertRules& alerts,
                             QWidget* parent)
    : QWidget(parent),
      m_store(store),
      m_fleet(fleet),
      m_alerts(alerts),
      m_requests(new BigNumber(tr("requests / s"), this)),
      m_success(new BigNumber(tr("success"), this)),
      m_p99(new BigNumber(tr("p99 latency"), this)),
      m_denials(new BigNumber(tr("denials / s"), this)),
      m_nodes(new BigNumber(tr("nodes up"), this)) {
    m_requests->setObjectName("overviewRequests");
    m_success->setObjectName("overviewSuccess");
    m_p99->setObjectName("overviewP99");
    m_denials->setObjectName("overviewDenials");
    m_nodes->setObjectName("overviewNodes");
    auto* layout = new QHBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(6);
    for (auto* tile : {m_requests, m_success, m_p99, m_denials, m_nodes}) layout->addWidget(tile);

    // Alerts raised before this strip existed.
    QStringList scopes = m_fleet.nodeNames();
    scopes.prepend(AlertRules::kFleetScope);
    for (const auto& scope : scopes) {
        for (const auto& metric : {AlertRules::kFailure, AlertRules::kP99, AlertRules::kCpu}) {
            if (alerts.isActive(scope, metric)) m_active.insert({scope, metric});
        }
    }
    connect(&alerts, &AlertRules::alertRaised, this,
            [this](const QString& scope, const QString& metric, const QString&) {
                m_active.insert({scope, metric});
                updateLevels();
            });
    connect(&alerts, &AlertRules::alertCleared, this,
            [this](const QString& scope, const QString& metric) {
                m_active.remove({scope, metric});
                updateLevels();
            });
    const auto markDirty = [this] { m_dirty = true; };
    connect(&store, &TimeSeriesStore::appended, this, markDirty);
    connect(&fleet, &QAbstractItemModel::dataChanged, this, markDirty);
    connect(&fleet, &QAbstractItemModel::rowsInserted, this, markDirty);
    connect(&fleet, &QAbstractItemModel::rowsRemoved, this, markDirty);
    connect(&fleet, &QAbstractItemModel::modelReset, this, markDirty);
    connect(&m_timer, &QTimer::timeout, this, [this] {
        if (m_dirty) refresh();
    });
    m_timer.start(kRefreshIntervalMs);
    refresh();
}

void OverviewStrip::refresh() {
    m_dirty = false;
    const bool any = m_store.latestTimeMs() > 0;
    const auto totals = m_store.latest();
    m_requests->setValue(any ? format::rate(totals.requestsPerSecond) : QStringLiteral("–"));
    m_success->setValue(any ? format::percent(totals.successPercent) : QStringLiteral("–"));
    m_p99->setValue(any ? format::latencyFromUs(totals.p99Us) : QStringLiteral("–"));
    m_denials->setValue(any ? format::rate(totals.deniedPerSecond) : QStringLiteral("–"));
    m_nodes->setValue(QStringLiteral("%1 / %2").arg(m_fleet.upCount()).arg(m_fleet.rowCount()));
    updateLevels();
}

void OverviewStrip::updateLevels() {
    const auto levelOf = [this](const QString& metric) {
        auto level = BigNumber::Level::Normal;
        for (const auto& [scope, m] : m_active) {
            if (m != metric) continue;
            if (scope == AlertRules::kFleetScope) return BigNumber::Level::Alert;
            level = BigNumber::Level::Warning;
        }
        return level;
    };
    m_success->setLevel(levelOf(AlertRules::kFailure));
    m_p99->setLevel(levelOf(AlertRules::kP99));

    // The nodes tile carries what has no tile of its own: nodes down, and CPU alerts.
    int down = 0;
    int connecting = 0;
    for (const auto& name : m_fleet.nodeNames()) {
        const auto state = m_fleet.stateOf(name);
        down += state == fleet::ConnectionState::Down;
        connecting += state == fleet::ConnectionState::Connecting;
    }
    QStringList hot;
    for (const auto& [scope, m] : m_active) {
        if (m == AlertRules::kCpu) hot << scope;
    }
    hot.sort();
    auto nodesLevel =
        hot.isEmpty() && connecting == 0 ? BigNumber::Level::Normal : BigNumber::Level::Warning;
    if (down > 0) nodesLevel = BigNumber::Level::Alert;
    m_nodes->setLevel(nodesLevel);
    m_nodes->setDetail(hot.isEmpty() ? QString() : tr("CPU alert: %1").arg(hot.join(", ")));
}

}  // namespace rampart::console
