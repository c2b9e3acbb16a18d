#include "ui/TargetSelector.h"

#include <QSignalBlocker>

#include "models/FleetModel.h"

namespace rampart::console {

TargetSelector::TargetSelector(FleetModel& fleet, const QString& fleetLabel, QWidget* parent)
    : QComboBox(parent), m_fleet(fleet), m_fleetLabel(fleetLabel) {
    setSizeAdjustPolicy(QComboBox::AdjustToContents);
    reload();
    connect(&fleet, &QAbstractItemModel::rowsInserted, this, &TargetSelector::reload);
    connect(&fleet, &QAbstractItemModel::rowsRemoved, this, &TargetSelector::reload);
    connect(&fleet, &QAbstractItemModel::modelReset, this, &TargetSelector::reload);
    connect(this, &QComboBox::currentIndexChanged, this, [this] {
        const QString next = currentData().toString();
        if (next == m_target) return;
        m_target = next;
        emit targetChanged(m_target);
    });
}

QString TargetSelector::target() const { return m_target; }

void TargetSelector::setTarget(const QString& node) {
    const int index = findData(node);
    setCurrentIndex(index < 0 ? 0 : index);
}

void TargetSelector::reload() {
    const QStringList names = m_fleet.nodeNames();
    {
        const QSignalBlocker blocker(this);
        clear();
        if (!m_fleetLabel.isEmpty()) addItem(m_fleetLabel, QString());
        for (const auto& name : names) addItem(name, name);
        const int index = findData(m_target);
        setCurrentIndex(index < 0 ? 0 : index);
    }
    // The selected node left the fleet: the selection fell back to the fleet.
    const QString now = currentData().toString();
    if (now != m_target) {
        m_target = now;
        emit targetChanged(m_target);
    }
}

}  // namespace rampart::console
