#pragma once

#include <QDialog>
#include <QStringList>

#include "rpc/client/FleetTypes.h"

class QTableWidget;

namespace rampart::console {

// The confirmation before limits change: what is changed (field, now, new), where, and the
// revision the edit is based on, so nobody applies a change they have not read.
class LimitsDiffDialog : public QDialog {
    Q_OBJECT
public:
    struct Change {
        QString field;
        QString before;
        QString after;
    };

    // `target` names where it applies ("auth-1", "all 3 nodes"); `basis` says which revision
    // the edit started from.
    LimitsDiffDialog(const QString& target, const fleet::Limits& before, const fleet::Limits& after,
                     const QString& basis, QWidget* parent = nullptr);

    // The fields that differ, in the panel's order.
    static QList<Change> changes(const fleet::Limits& before, const fleet::Limits& after);
    // "Per-IP rate: 100 /s → 200 /s", one per change.
    QStringList changedFields() const;
    QString basis() const { return m_basis; }

private:
    QList<Change> m_changes;
    QString m_basis;
    QTableWidget* m_table;
};

}  // namespace rampart::console
