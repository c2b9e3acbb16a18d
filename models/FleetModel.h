#pragma once

#include <QAbstractTableModel>
#include <QColor>
#include <QList>
#include <QString>
#include <QStringList>

#include "rpc/client/FleetTypes.h"

namespace rampart::console {

// The fleet table: one row per node, in the order nodes were added (FleetSortProxy orders them
// for display). Live figures (req/s, success %, p99, CPU, memory) come from the node's latest
// snapshot and show only while the node is Up; a node that is Down or reconnecting shows "—"
// rather than figures that are no longer true.
//
// Roles, for every column unless noted:
// - Qt::DisplayRole: formatted text ("1234", "99.5 %", "0.42 ms", "37 %", "128 MB", "#12",
//   "3 → 5" when the scaling recommendation differs from the current size).
// - Qt::ToolTipRole: Name gives address, host, version and the console's role on the node; Scale
//   gives backend, desired size and last result; every other column gives the state's detail
//   (the last error of a Down node), or nothing when there is none.
// - Qt::BackgroundRole / Qt::ForegroundRole: a QColor for the whole row — red with white text
//   while Down, amber with black text while Connecting; nothing while Up.
// - Qt::TextAlignmentRole: figures right-aligned.
// - SortRole: a key that sorts as numbers do — the name for Name; for State Down = 0,
//   Connecting = 1, Up = 2; the figure for the others, -1 when none is shown.
// - DeniedPerSecondRole: the node's denials per second (double), -1 when not Up.
// - NodeNameRole: the node's name (QString), whatever the column.
class FleetModel : public QAbstractTableModel {
    Q_OBJECT
public:
    enum Column {
        Name,
        State,
        RequestsPerSecond,
        SuccessPercent,
        P99Ms,
        CpuPercent,
        MemoryMb,
        LimitsRevision,
        Scale,
        ColumnCount
    };
    Q_ENUM(Column)

    enum Role {
        SortRole = Qt::UserRole + 1,
        DeniedPerSecondRole,
        NodeNameRole,
    };

    static QColor downBackground();
    static QColor connectingBackground();

    explicit FleetModel(QObject* parent = nullptr);
    ~FleetModel() override;

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation,
                        int role = Qt::DisplayRole) const override;

    // Adds a row (state Connecting); for a name already present, only the address changes.
    void addNode(const QString& name, const QString& address);
    void removeNode(const QString& name);
    bool hasNode(const QString& name) const;
    QString addressOf(const QString& name) const;
    QStringList nodeNames() const;         // in row order
    int rowOf(const QString& name) const;  // -1 if absent

    // Updates of unknown nodes are ignored.
    void setState(const QString& node, fleet::ConnectionState state, const QString& detail);
    void applySnapshot(const QString& node, const fleet::Snapshot& s);
    void setNodeInfo(const QString& node, const fleet::NodeInfo& info);

    fleet::ConnectionState stateOf(const QString& name) const;  // Down if unknown
    QString roleOf(const QString& name) const;  // "operator", "viewer", or "" before GetNode
    int upCount() const;

private:
    struct Node {
        QString name;
        QString address;
        fleet::ConnectionState state = fleet::ConnectionState::Connecting;
        QString detail;
        bool hasSnapshot = false;
        double requestsPerSecond = 0;
        double deniedPerSecond = 0;
        double successPercent = 100;
        double p99Us = 0;
        double cpuPercent = 0;
        double rssBytes = 0;
        bool hasRevision = false;
        uint64_t limitsRevision = 0;
        bool hasScale = false;
        uint32_t scaleCurrent = 0;
        uint32_t scaleRecommended = 0;
        fleet::NodeInfo info;
        bool hasInfo = false;
    };

    QVariant display(const Node& node, int column) const;
    QVariant sortKey(const Node& node, int column) const;
    QVariant toolTip(const Node& node, int column) const;
    void rowChanged(int row);

    QList<Node> m_nodes;
};

}  // namespace rampart::console
