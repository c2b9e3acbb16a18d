#pragma once

#include <QElapsedTimer>
#include <QTableView>
#include <QTimer>

namespace rampart::console {

class FleetModel;
class FleetSortProxy;

// The fleet, one row per node, errors then volume; a Down node's row is red (the model's
// BackgroundRole). Double-clicking a node scopes the charts to it.
class FleetTable : public QTableView {
    Q_OBJECT
public:
    explicit FleetTable(FleetModel& fleet, QWidget* parent = nullptr);

    FleetSortProxy* proxy() const { return m_proxy; }
    QString nodeAt(int viewRow) const;

signals:
    void nodeActivated(const QString& node);

protected:
    void changeEvent(QEvent* event) override;
    void resizeEvent(QResizeEvent* event) override;

private:
    void fitColumns();

    FleetSortProxy* m_proxy;
    static constexpr qint64 kFitIntervalMs = 3000;
    QTimer m_fitTimer;
    QElapsedTimer m_sinceFit;
};

}  // namespace rampart::console
