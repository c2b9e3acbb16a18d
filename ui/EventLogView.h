#pragma once

#include <QTableView>

namespace rampart::console {

class EventLogModel;

// The event log, newest at the bottom. It follows new rows while the operator is at the
// bottom, and stays put while they scroll back to read.
class EventLogView : public QTableView {
    Q_OBJECT
public:
    explicit EventLogView(EventLogModel& events, QWidget* parent = nullptr);

protected:
    void changeEvent(QEvent* event) override;

private:
    void fitColumns();

    bool m_follow = true;
};

}  // namespace rampart::console
