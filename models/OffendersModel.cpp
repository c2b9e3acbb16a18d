#include "models/OffendersModel.h"

#include <algorithm>

namespace rampart::console {

namespace {

// One identity per row: an IP and a subject may share a spelling but are different offenders.
QString identity(bool subject, const QString& key) {
    return (subject ? QStringLiteral("s:") : QStringLiteral("i:")) + key;
}

}  // namespace

OffendersModel::OffendersModel(QObject* parent) : QAbstractTableModel(parent) {}

OffendersModel::~OffendersModel() = default;

int OffendersModel::rowCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : int(m_rows.size());
}

int OffendersModel::columnCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant OffendersModel::headerData(int section, Qt::Orientation orientation, int role) const {
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole) {
        return QAbstractTableModel::headerData(section, orientation, role);
    }
    switch (section) {
        case Kind:
            return tr("Kind");
        case Key:
            return tr("Key");
        case Denials:
            return tr("Denials");
        case Nodes:
            return tr("Nodes");
    }
    return {};
}

QVariant OffendersModel::data(const QModelIndex& index, int role) const {
    if (!index.isValid() || index.row() >= m_rows.size()) return {};
    const Row& row = m_rows[index.row()];
    switch (role) {
        case Qt::DisplayRole:
        case SortRole:
            switch (index.column()) {
                case Kind:
                    return row.subject ? tr("subject") : tr("IP");
                case Key:
                    return row.key;
                case Denials:
                    return row.denials;
                case Nodes:
                    return row.nodes;
            }
            return {};
        case Qt::TextAlignmentRole:
            if (index.column() == Denials || index.column() == Nodes) {
                return QVariant::fromValue(Qt::Alignment(Qt::AlignRight | Qt::AlignVCenter));
            }
            return {};
        case IsSubjectRole:
            return row.subject;
        default:
            return {};
    }
}

void OffendersModel::update(const QString& node, const fleet::Snapshot& s) {
    NodeLists& lists = m_byNode[node];
    lists.clientIps = s.topClientIps;
    lists.subjects = s.topSubjects;
    merge();
}

void OffendersModel::removeNode(const QString& node) {
    if (m_byNode.remove(node)) merge();
}

QString OffendersModel::keyAt(int row) const {
    return row >= 0 && row < m_rows.size() ? m_rows[row].key : QString();
}

bool OffendersModel::isSubjectAt(int row) const {
    return row >= 0 && row < m_rows.size() && m_rows[row].subject;
}

void OffendersModel::merge() {
    QHash<QString, Row> merged;
    for (const NodeLists& lists : std::as_const(m_byNode)) {
        for (bool subject : {false, true}) {
            for (const fleet::Offender& o : subject ? lists.subjects : lists.clientIps) {
                const QString key = QString::fromStdString(o.key);
                Row& row = merged[identity(subject, key)];
                row.subject = subject;
                row.key = key;
                row.denials += o.denials;
                ++row.nodes;
            }
        }
    }
    QList<Row> next = merged.values();
    std::sort(next.begin(), next.end(), [](const Row& l, const Row& r) {
        if (l.denials != r.denials) return l.denials > r.denials;
        if (l.nodes != r.nodes) return l.nodes > r.nodes;
        if (l.key != r.key) return l.key < r.key;
        return l.subject < r.subject;
    });
    if (next.size() > kMaxRows) next.resize(kMaxRows);

    // Rows leave and arrive through remove/insert and the rest move through a layout change, so
    // views keep a selected offender selected while the ranking shifts.
    QHash<QString, int> nextRow;
    for (int i = 0; i < next.size(); ++i) nextRow.insert(identity(next[i].subject, next[i].key), i);
    for (int i = int(m_rows.size()) - 1; i >= 0; --i) {
        if (nextRow.contains(identity(m_rows[i].subject, m_rows[i].key))) continue;
        beginRemoveRows({}, i, i);
        m_rows.removeAt(i);
        endRemoveRows();
    }
    QHash<QString, int> currentRow;
    for (int i = 0; i < m_rows.size(); ++i) {
        currentRow.insert(identity(m_rows[i].subject, m_rows[i].key), i);
    }
    QList<Row> arriving;
    for (const Row& row : next) {
        if (!currentRow.contains(identity(row.subject, row.key))) arriving.append(row);
    }
    if (!arriving.isEmpty()) {
        const int first = int(m_rows.size());
        beginInsertRows({}, first, first + int(arriving.size()) - 1);
        for (const Row& row : arriving) {
            currentRow.insert(identity(row.subject, row.key), int(m_rows.size()));
            m_rows.append(row);
        }
        endInsertRows();
    }

    bool reordered = false;
    for (int i = 0; i < next.size() && !reordered; ++i) {
        reordered = currentRow.value(identity(next[i].subject, next[i].key)) != i;
    }
    if (reordered) {
        emit layoutAboutToBeChanged({}, QAbstractItemModel::VerticalSortHint);
        const QModelIndexList before = persistentIndexList();
        QModelIndexList after;
        after.reserve(before.size());
        for (const QModelIndex& index : before) {
            const Row& row = m_rows[index.row()];
            after.append(
                this->index(nextRow.value(identity(row.subject, row.key)), index.column()));
        }
        m_rows = next;
        changePersistentIndexList(before, after);
        emit layoutChanged({}, QAbstractItemModel::VerticalSortHint);
    } else {
        m_rows = next;
    }
    if (!m_rows.isEmpty()) {
        emit dataChanged(index(0, Denials), index(int(m_rows.size()) - 1, Nodes));
    }
}

}  // namespace rampart::console
