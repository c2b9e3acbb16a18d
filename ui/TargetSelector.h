#pragma once

#include <QComboBox>

namespace rampart::console {

class FleetModel;

// A combo box of "the whole fleet" plus every node of the FleetModel, kept in step with it; the
// selection survives nodes coming and going. target() is empty for the fleet. Without a fleet
// label there is no fleet entry: only nodes.
class TargetSelector : public QComboBox {
    Q_OBJECT
public:
    TargetSelector(FleetModel& fleet, const QString& fleetLabel, QWidget* parent = nullptr);

    QString target() const;
    // Selects a node (or the fleet for an empty name); unknown names select the fleet.
    void setTarget(const QString& node);

signals:
    void targetChanged(const QString& target);

private:
    void reload();

    FleetModel& m_fleet;
    QString m_fleetLabel;
    QString m_target;
};

}  // namespace rampart::console
