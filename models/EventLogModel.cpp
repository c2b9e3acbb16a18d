#include "models/EventLogModel.h"

#include "models/Csv.h"

namespace rampart::console {

QString EventLogModel::kindName(Kind kind) {
    switch (kind) {
        case Kind::Action:
            return QStringLiteral("action");
        case Kind::Result:
            return QStringLiteral("result");
        case Kind::Alert:
            return QStringLiteral("alert");
        case Kind::Connection:
            return QStringLiteral("connection");
    }
    return {};
}

QColor EventLogModel::alertColor() { return QColor(0xe5, 0x39, 0x35); }

EventLogModel::EventLogModel(QObject* parent) : QAbstractTableModel(parent) {}

EventLogModel::~EventLogModel() = default;

int EventLogModel::rowCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : int(m_events.size());
}

int EventLogModel::columnCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant EventLogModel::headerData(int section, Qt::Orientation orientation, int role) const {
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole) {
        return QAbstractTableModel::headerData(section, orientation, role);
    }
    switch (section) {
        case Time:
            return tr("Time");
        case Node:
            return tr("Node");
        case KindColumn:
            return tr("Kind");
        case Message:
            return tr("Message");
    }
    return {};
}

QVariant EventLogModel::data(const QModelIndex& index, int role) const {
    if (!index.isValid() || size_t(index.row()) >= m_events.size()) return {};
    const Event& event = m_events[size_t(index.row())];
    switch (role) {
        case Qt::DisplayRole:
            switch (index.column()) {
                case Time:
                    return QDateTime::fromMSecsSinceEpoch(event.timeMs).toString(u"hh:mm:ss"_qs);
                case Node:
                    return event.node;
                case KindColumn:
                    return kindName(event.kind);
                case Message:
                    return event.message;
            }
            return {};
        case Qt::ToolTipRole:
            if (index.column() == Time) {
                return QDateTime::fromMSecsSinceEpoch(event.timeMs)
                    .toString(u"yyyy-MM-dd hh:mm:ss.zzz"_qs);
            }
            if (index.column() == Message) return event.message;
            return {};
        case Qt::ForegroundRole:
            if (event.kind == Kind::Alert) return alertColor();
            return {};
        case KindRole:
            return int(event.kind);
        case TimeRole:
            return event.timeMs;
        default:
            return {};
    }
}

void EventLogModel::add(Kind kind, const QString& node, const QString& message, qint64 timeMs) {
    if (m_events.size() >= size_t(kMaxRows)) {
        beginRemoveRows({}, 0, 0);
        m_events.pop_front();
        endRemoveRows();
    }
    const int row = int(m_events.size());
    beginInsertRows({}, row, row);
    m_events.push_back(Event{timeMs, kind, node, message});
    endInsertRows();
    emit eventAdded(kind, timeMs, message);
}

void EventLogModel::clear() {
    beginResetModel();
    m_events.clear();
    endResetModel();
}

QString EventLogModel::toCsv() const {
    QString out = csv::record({u"time_iso"_qs, u"node"_qs, u"kind"_qs, u"message"_qs});
    for (const Event& event : m_events) {
        out += csv::record(
            {csv::isoTime(event.timeMs), event.node, kindName(event.kind), event.message});
    }
    return out;
}

}  // namespace rampart::console
