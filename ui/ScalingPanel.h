#pragma once

#include <QWidget>

class QLabel;
class QPushButton;
class QSpinBox;

namespace rampart::console {

class FleetActions;
class FleetModel;
class TargetSelector;

// One node's data-plane size: what it is, what the node's HPA-style rule recommends and why,
// and a control to set it (or take the recommendation).
class ScalingPanel : public QWidget {
    Q_OBJECT
public:
    ScalingPanel(FleetModel& fleet, FleetActions& actions, QWidget* parent = nullptr);

    void setTarget(const QString& node);
    QString target() const;
    int currentSize() const { return m_current; }          // -1 when unknown
    int recommendedSize() const { return m_recommended; }  // -1 when unknown
    void applySize(int replicas);
    void applyRecommendation();

private:
    void refresh();
    void updateControls();
    QString recommendationReason(double cpuPercent) const;

    FleetModel& m_fleet;
    FleetActions& m_actions;
    TargetSelector* m_target;
    QLabel* m_currentLabel;
    QLabel* m_recommendation;
    QLabel* m_detail;
    QSpinBox* m_replicas;
    QPushButton* m_apply;
    QPushButton* m_applyRecommendation;
    QLabel* m_status;
    int m_current = -1;
    int m_recommended = -1;
    bool m_edited = false;  // the operator touched the spin box: live data leaves it alone
    bool m_noBackend = false;
    bool m_pending = false;
};

}  // namespace rampart::console
