#include "models/FleetSortProxy.h"

#include "models/FleetModel.h"

namespace rampart::console {

FleetSortProxy::FleetSortProxy(QObject* parent) : QSortFilterProxyModel(parent) {
    setSortRole(FleetModel::SortRole);
    setDynamicSortFilter(true);
    sortErrorsThenVolume();
}

void FleetSortProxy::sortErrorsThenVolume() { sort(FleetModel::State, Qt::AscendingOrder); }

bool FleetSortProxy::lessThan(const QModelIndex& left, const QModelIndex& right) const {
    if (left.column() == FleetModel::State) return errorsThenVolume(left.row(), right.row());
    if (QSortFilterProxyModel::lessThan(left, right)) return true;
    if (QSortFilterProxyModel::lessThan(right, left)) return false;
    return byName(left.row(), right.row());
}

bool FleetSortProxy::errorsThenVolume(int leftRow, int rightRow) const {
    const QAbstractItemModel* model = sourceModel();
    const auto value = [model](int row, int column, int role) {
        return model->data(model->index(row, column), role).toDouble();
    };
    const double leftState = value(leftRow, FleetModel::State, FleetModel::SortRole);
    const double rightState = value(rightRow, FleetModel::State, FleetModel::SortRole);
    if (leftState != rightState) return leftState < rightState;
    const double leftDenied = value(leftRow, FleetModel::Name, FleetModel::DeniedPerSecondRole);
    const double rightDenied = value(rightRow, FleetModel::Name, FleetModel::DeniedPerSecondRole);
    if (leftDenied != rightDenied) return leftDenied > rightDenied;
    const double leftRequests = value(leftRow, FleetModel::RequestsPerSecond, FleetModel::SortRole);
    const double rightRequests =
        value(rightRow, FleetModel::RequestsPerSecond, FleetModel::SortRole);
    if (leftRequests != rightRequests) return leftRequests > rightRequests;
    return byName(leftRow, rightRow);
}

bool FleetSortProxy::byName(int leftRow, int rightRow) const {
    const QAbstractItemModel* model = sourceModel();
    return model->data(model->index(leftRow, FleetModel::Name), FleetModel::NodeNameRole)
               .toString() <
           model->data(model->index(rightRow, FleetModel::Name), FleetModel::NodeNameRole)
               .toString();
}

}  // namespace rampart::console
