#pragma once

#include <QHash>
#include <QObject>
#include <QString>
#include <QStringList>
#include <array>

namespace rampart::console {

// Threshold alerts on failure %, p99 latency and CPU, per scope ("fleet" or a node name). An alert
// is raised once when its value reaches the threshold and cleared only when the value falls below
// 90 % of it: the 10 % hysteresis keeps a value hovering at the threshold from flapping, and an
// active alert is never raised again. A threshold of 0 or less turns its alert off.
class AlertRules : public QObject {
    Q_OBJECT
public:
    struct Thresholds {
        double failurePercent = 20;
        double p99Ms = 50;
        double cpuPercent = 85;
        bool operator==(const Thresholds&) const = default;
    };

    // The `metric` of the signals.
    static inline const QString kFailure = QStringLiteral("failure");
    static inline const QString kP99 = QStringLiteral("p99");
    static inline const QString kCpu = QStringLiteral("cpu");
    static inline const QString kFleetScope = QStringLiteral("fleet");

    static constexpr double kClearRatio = 0.9;

    explicit AlertRules(QObject* parent = nullptr);
    ~AlertRules() override;

    // Re-judges every scope's last values against the new thresholds at once.
    void setThresholds(const Thresholds& thresholds);
    Thresholds thresholds() const;

    // One observation per scope; a NaN value leaves its metric's alert as it is (no data).
    void evaluate(const QString& scope, double failurePercent, double p99Ms, double cpuPercent,
                  qint64 timeMs);
    // Clears the scope's active alerts (a node removed from the fleet) and forgets its values.
    void removeScope(const QString& scope);

    // The messages of the active alerts, oldest first, for a banner.
    QStringList activeAlerts() const;
    bool isActive(const QString& scope, const QString& metric) const;

signals:
    void alertRaised(const QString& scope, const QString& metric, const QString& message);
    void alertCleared(const QString& scope, const QString& metric);

private:
    enum MetricIndex { Failure, P99, Cpu, MetricCount };
    struct Active {
        bool on = false;
        qint64 sinceMs = 0;
        quint64 order = 0;  // raise order: breaks ties of sinceMs in activeAlerts()
        QString message;
    };
    struct ScopeState {
        std::array<double, MetricCount> last{};
        std::array<bool, MetricCount> seen{};
        qint64 lastTimeMs = 0;
        std::array<Active, MetricCount> alerts;
    };

    void judge(const QString& scope, ScopeState& state, int metric, qint64 timeMs);
    double threshold(int metric) const;
    static const QString& metricName(int metric);

    Thresholds m_thresholds;
    QHash<QString, ScopeState> m_scopes;
    quint64 m_raised = 0;
};

}  // namespace rampart::console
