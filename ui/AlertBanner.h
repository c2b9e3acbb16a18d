#pragma once

#include <QLabel>

namespace rampart::console {

class AlertRules;

// A red band across the window while any alert is active, listing them; gone when all clear.
class AlertBanner : public QLabel {
    Q_OBJECT
public:
    explicit AlertBanner(AlertRules& alerts, QWidget* parent = nullptr);

    QStringList alerts() const { return m_messages; }

private:
    void reload();

    AlertRules& m_alerts;
    QStringList m_messages;
};

}  // namespace rampart::console
