#include "models/AlertRules.h"

#include <algorithm>
#include <cmath>
#include <vector>

namespace rampart::console {

AlertRules::AlertRules(QObject* parent) : QObject(parent) {}

AlertRules::~AlertRules() = default;

void AlertRules::setThresholds(const Thresholds& thresholds) {
    if (thresholds == m_thresholds) return;
    m_thresholds = thresholds;
    for (auto it = m_scopes.begin(); it != m_scopes.end(); ++it) {
        for (int metric = 0; metric < MetricCount; ++metric) {
            judge(it.key(), it.value(), metric, it->lastTimeMs);
        }
    }
}

AlertRules::Thresholds AlertRules::thresholds() const { return m_thresholds; }

void AlertRules::evaluate(const QString& scope, double failurePercent, double p99Ms,
                          double cpuPercent, qint64 timeMs) {
    ScopeState& state = m_scopes[scope];
    state.lastTimeMs = timeMs;
    const std::array<double, MetricCount> values{failurePercent, p99Ms, cpuPercent};
    for (int metric = 0; metric < MetricCount; ++metric) {
        if (std::isnan(values[metric])) continue;
        state.last[metric] = values[metric];
        state.seen[metric] = true;
        judge(scope, state, metric, timeMs);
    }
}

void AlertRules::removeScope(const QString& scope) {
    const auto it = m_scopes.find(scope);
    if (it == m_scopes.end()) return;
    const ScopeState state = *it;
    m_scopes.erase(it);
    for (int metric = 0; metric < MetricCount; ++metric) {
        if (state.alerts[metric].on) emit alertCleared(scope, metricName(metric));
    }
}

void AlertRules::judge(const QString& scope, ScopeState& state, int metric, qint64 timeMs) {
    Active& alert = state.alerts[metric];
    const double limit = threshold(metric);
    const double value = state.last[metric];
    if (!alert.on) {
        if (!state.seen[metric] || limit <= 0 || value < limit) return;
        static const char* const kFormats[MetricCount] = {
            QT_TR_NOOP("%1: failures at %2 % (threshold %3 %)"),
            QT_TR_NOOP("%1: p99 latency at %2 ms (threshold %3 ms)"),
            QT_TR_NOOP("%1: CPU at %2 % (threshold %3 %)"),
        };
        alert.on = true;
        alert.sinceMs = timeMs;
        alert.order = ++m_raised;
        alert.message =
            tr(kFormats[metric]).arg(scope, QString::number(value, 'f', 1), QString::number(limit));
        emit alertRaised(scope, metricName(metric), alert.message);
        return;
    }
    if (limit <= 0 || value < kClearRatio * limit) {
        alert = Active{};
        emit alertCleared(scope, metricName(metric));
    }
}

double AlertRules::threshold(int metric) const {
    switch (metric) {
        case Failure:
            return m_thresholds.failurePercent;
        case P99:
            return m_thresholds.p99Ms;
        case Cpu:
            return m_thresholds.cpuPercent;
    }
    return 0;
}

const QString& AlertRules::metricName(int metric) {
    switch (metric) {
        case Failure:
            return kFailure;
        case P99:
            return kP99;
        default:
            return kCpu;
    }
}

QStringList AlertRules::activeAlerts() const {
    std::vector<const Active*> active;
    for (const ScopeState& state : m_scopes) {
        for (const Active& alert : state.alerts) {
            if (alert.on) active.push_back(&alert);
        }
    }
    std::sort(active.begin(), active.end(), [](const Active* l, const Active* r) {
        if (l->sinceMs != r->sinceMs) return l->sinceMs < r->sinceMs;
        return l->order < r->order;
    });
    QStringList messages;
    for (const Active* alert : active) messages.append(alert->message);
    return messages;
}

bool AlertRules::isActive(const QString& scope, const QString& metric) const {
    const auto it = m_scopes.constFind(scope);
    if (it == m_scopes.constEnd()) return false;
    for (int m = 0; m < MetricCount; ++m) {
        if (metricName(m) == metric) return it->alerts[m].on;
    }
    return false;
}

}  // namespace rampart::console
