#pragma once

#include <QAbstractTableModel>
#include <QHash>
#include <QList>
#include <QString>

#include "rpc/client/FleetTypes.h"

namespace rampart::console {

// The fleet's top offenders: each node's latest top lists (client IPs and subjects denied most in
// its last snapshot) merged by key — denials summed, and how many nodes report the key — sorted by
// denials, at most kMaxRows rows. Rows move with their key when the order changes (persistent
// indexes follow), so a selection made to block an offender stays on that offender.
//
// Roles:
// - Qt::DisplayRole: Kind "IP" or "subject", Key, Denials, Nodes.
// - Qt::TextAlignmentRole: Denials and Nodes right-aligned.
// - SortRole: Denials and Nodes as numbers, Kind and Key as text.
// - IsSubjectRole: bool, whatever the column.
class OffendersModel : public QAbstractTableModel {
    Q_OBJECT
public:
    enum Column { Kind, Key, Denials, Nodes, ColumnCount };
    Q_ENUM(Column)
    enum Role { SortRole = Qt::UserRole + 1, IsSubjectRole };

    static constexpr int kMaxRows = 50;

    explicit OffendersModel(QObject* parent = nullptr);
    ~OffendersModel() override;

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation,
                        int role = Qt::DisplayRole) const override;

    // Replaces the node's lists with the snapshot's and merges the fleet again.
    void update(const QString& node, const fleet::Snapshot& s);
    // Forgets a node's lists (removed from the fleet, or down: its lists are no longer current).
    void removeNode(const QString& node);

    QString keyAt(int row) const;     // empty if out of range
    bool isSubjectAt(int row) const;  // false (an IP) if out of range

private:
    struct Row {
        bool subject = false;
        QString key;
        quint64 denials = 0;
        int nodes = 0;
    };
    struct NodeLists {
        std::vector<fleet::Offender> clientIps;
        std::vector<fleet::Offender> subjects;
    };

    void merge();

    QHash<QString, NodeLists> m_byNode;
    QList<Row> m_rows;
};

}  // namespace rampart::console
