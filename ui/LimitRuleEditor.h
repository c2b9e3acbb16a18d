#pragma once

#include <QObject>

#include "rpc/client/FleetTypes.h"

class QCheckBox;
class QDoubleSpinBox;
class QGridLayout;
class QWidget;

namespace rampart::console {

// The three fields of one limit rule (rate, burst, shadow) as one row of a grid, so the rows
// of the limits panel line up column by column.
class LimitRuleEditor : public QObject {
    Q_OBJECT
public:
    // Adds a label and the fields to `grid` at `row`; object names start with `prefix`
    // ("perIp" → perIpRate, perIpBurst, perIpShadow).
    LimitRuleEditor(const QString& label, const QString& prefix, QGridLayout* grid, int row,
                    QWidget* parent);

    fleet::LimitRule rule() const;
    void setRule(const fleet::LimitRule& rule);
    void setEnabled(bool enabled);

signals:
    void changed();

private:
    QDoubleSpinBox* m_rate;
    QDoubleSpinBox* m_burst;
    QCheckBox* m_shadow;
};

}  // namespace rampart::console
