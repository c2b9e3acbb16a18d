#pragma once

#include <QAbstractTableModel>
#include <QColor>
#include <QDateTime>
#include <QString>
#include <deque>

namespace rampart::console {

// Every operator action, its result, every alert and every connection change, oldest at the top
// and newest at the bottom. Bounded to kMaxRows: past that the oldest row is dropped, so a console
// left running for days keeps flat memory.
//
// Roles:
// - Qt::DisplayRole: Time as local "hh:mm:ss", Node (empty for fleet-wide events), Kind as
//   "action" / "result" / "alert" / "connection", Message.
// - Qt::ToolTipRole: Time gives the full local date and time with milliseconds; Message gives the
//   message (long ones are cut off in the view).
// - Qt::ForegroundRole: a QColor for alert rows (alertColor()); nothing otherwise.
// - KindRole: the row's Kind as int; TimeRole: the row's time, ms since the epoch (qint64).
class EventLogModel : public QAbstractTableModel {
    Q_OBJECT
public:
    enum Column { Time, Node, KindColumn, Message, ColumnCount };
    Q_ENUM(Column)
    enum class Kind { Action, Result, Alert, Connection };
    Q_ENUM(Kind)
    enum Role { KindRole = Qt::UserRole + 1, TimeRole };

    static constexpr int kMaxRows = 10'000;

    static QString kindName(Kind kind);
    static QColor alertColor();

    explicit EventLogModel(QObject* parent = nullptr);
    ~EventLogModel() override;

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation,
                        int role = Qt::DisplayRole) const override;

    void add(Kind kind, const QString& node, const QString& message,
             qint64 timeMs = QDateTime::currentMSecsSinceEpoch());
    void clear();

    // Header "time_iso,node,kind,message", one record per row oldest first, CRLF line ends,
    // RFC 4180 quoting; times in UTC.
    QString toCsv() const;

signals:
    void eventAdded(Kind kind, qint64 timeMs, const QString& message);

private:
    struct Event {
        qint64 timeMs;
        Kind kind;
        QString node;
        QString message;
    };

    std::deque<Event> m_events;
};

}  // namespace rampart::console
