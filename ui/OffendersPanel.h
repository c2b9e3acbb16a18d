#pragma once

#include <QWidget>

class QComboBox;
class QLabel;
class QPushButton;
class QTableView;

namespace rampart::console {

class FleetActions;
class FleetModel;
class OffendersModel;

// The fleet's top offenders with one-click blocking of the selected one on every node (an IP
// as a client block, a subject as a subject block) for a chosen time, and revoking a subject.
class OffendersPanel : public QWidget {
    Q_OBJECT
public:
    OffendersPanel(OffendersModel& offenders, FleetModel& fleet, FleetActions& actions,
                   QWidget* parent = nullptr);

    // Blocks the selected offender on every node for the chosen duration; false if none or
    // not allowed.
    bool blockSelected();
    // Opens the revoke dialog, filled in with the selected subject if there is one.
    void openRevokeDialog();
    void setBlockSeconds(uint32_t seconds);
    uint32_t blockSeconds() const;
    QTableView* table() const { return m_table; }

protected:
    void changeEvent(QEvent* event) override;

private:
    int selectedRow() const;
    void updateControls();

    OffendersModel& m_offenders;
    FleetModel& m_fleet;
    FleetActions& m_actions;
    QTableView* m_table;
    QComboBox* m_duration;
    QPushButton* m_block;
    QPushButton* m_revoke;
    QLabel* m_status;
};

}  // namespace rampart::console
