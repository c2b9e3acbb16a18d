#include "ui/AlertBanner.h"

#include "models/AlertRules.h"

namespace rampart::console {

AlertBanner::AlertBanner(AlertRules& alerts, QWidget* parent) : QLabel(parent), m_alerts(alerts) {
    setObjectName("alertBanner");
    setWordWrap(true);
    setTextFormat(Qt::PlainText);
    connect(&alerts, &AlertRules::alertRaised, this, &AlertBanner::reload);
    connect(&alerts, &AlertRules::alertCleared, this, &AlertBanner::reload);
    reload();
}

void AlertBanner::reload() {
    m_messages = m_alerts.activeAlerts();
    setText(m_messages.isEmpty()
                ? QString()
                : QStringLiteral("⚠  ") + m_messages.join(QStringLiteral("   ·   ")));
    setToolTip(m_messages.join('\n'));
    setVisible(!m_messages.isEmpty());
}

}  // namespace rampart::console
