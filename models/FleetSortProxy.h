#pragma once

#include <QSortFilterProxyModel>

namespace rampart::console {

// Orders a FleetModel for display. Sorting by the State column (the default) is the war room's
// "errors then volume": Down nodes first, then Connecting ones, then Up nodes by denials per second
// descending, then by requests per second descending, then by name. Connecting sits right after
// Down so a node cycling through reconnect attempts does not jump from the top of the table to its
// bottom. Any other column sorts by FleetModel::SortRole, ties by name. Re-sorts as data changes.
class FleetSortProxy : public QSortFilterProxyModel {
    Q_OBJECT
public:
    explicit FleetSortProxy(QObject* parent = nullptr);

    // Back to the default order (State column, ascending).
    void sortErrorsThenVolume();

protected:
    bool lessThan(const QModelIndex& left, const QModelIndex& right) const override;

private:
    bool errorsThenVolume(int leftRow, int rightRow) const;
    bool byName(int leftRow, int rightRow) const;
};

}  // namespace rampart::console
