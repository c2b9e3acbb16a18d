#include "models/FleetModel.h"

#include <cmath>

namespace rampart::console {

namespace {

using fleet::ConnectionState;

const QString kNone = QStringLiteral("—");

QString stateText(ConnectionState state) {
    switch (state) {
        case ConnectionState::Up:
            return QStringLiteral("Up");
        case ConnectionState::Connecting:
            return QStringLiteral("Connecting");
        case ConnectionState::Down:
            return QStringLiteral("Down");
    }
    return {};
}

int stateRank(ConnectionState state) {
    switch (state) {
        case ConnectionState::Down:
            return 0;
        case ConnectionState::Connecting:
            return 1;
        case ConnectionState::Up:
            return 2;
    }
    return 0;
}

QString fixed(double value, int decimals) { return QString::number(value, 'f', decimals); }

}  // namespace

QColor FleetModel::downBackground() { return QColor(0xc6, 0x28, 0x28); }
QColor FleetModel::connectingBackground() { return QColor(0xff, 0xb3, 0x00); }

FleetModel::FleetModel(QObject* parent) : QAbstractTableModel(parent) {}

FleetModel::~FleetModel() = default;

int FleetModel::rowCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : int(m_nodes.size());
}

int FleetModel::columnCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant FleetModel::headerData(int section, Qt::Orientation orientation, int role) const {
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole) {
        return QAbstractTableModel::headerData(section, orientation, role);
    }
    switch (section) {
        case Name:
            return tr("Node");
        case State:
            return tr("State");
        case RequestsPerSecond:
            return tr("req/s");
        case SuccessPercent:
            return tr("Success");
        case P99Ms:
            return tr("p99");
        case CpuPercent:
            return tr("CPU");
        case MemoryMb:
            return tr("Memory");
        case LimitsRevision:
            return tr("Limits rev.");
        case Scale:
            return tr("Scale");
    }
    return {};
}

QVariant FleetModel::data(const QModelIndex& index, int role) const {
    if (!index.isValid() || index.row() >= m_nodes.size() || index.column() >= ColumnCount) {
        return {};
    }
    const Node& node = m_nodes[index.row()];
    switch (role) {
        case Qt::DisplayRole:
            return display(node, index.column());
        case Qt::ToolTipRole:
            return toolTip(node, index.column());
        case Qt::BackgroundRole:
            if (node.state == ConnectionState::Down) return downBackground();
            if (node.state == ConnectionState::Connecting) return connectingBackground();
            return {};
        case Qt::ForegroundRole:
            if (node.state == ConnectionState::Down) return QColor(Qt::white);
            if (node.state == ConnectionState::Connecting) return QColor(Qt::black);
            return {};
        case Qt::TextAlignmentRole:
            if (index.column() == Name || index.column() == State) {
                return QVariant::fromValue(Qt::Alignment(Qt::AlignLeft | Qt::AlignVCenter));
            }
            return QVariant::fromValue(Qt::Alignment(Qt::AlignRight | Qt::AlignVCenter));
        case SortRole:
            return sortKey(node, index.column());
        case DeniedPerSecondRole:
            return node.state == ConnectionState::Up && node.hasSnapshot ? node.deniedPerSecond
                                                                         : -1.0;
        case NodeNameRole:
            return node.name;
        default:
            return {};
    }
}

QVariant FleetModel::display(const Node& node, int column) const {
    const bool live = node.state == ConnectionState::Up && node.hasSnapshot;
    switch (column) {
        case Name:
            return node.name;
        case State:
            return stateText(node.state);
        case RequestsPerSecond:
            if (!live) return kNone;
            return fixed(node.requestsPerSecond, node.requestsPerSecond < 100 ? 1 : 0);
        case SuccessPercent:
            // Truncated, not rounded: 99.96 % with failures must not read as 100 %.
            if (!live) return kNone;
            return fixed(std::floor(node.successPercent * 10) / 10, 1) + QStringLiteral(" %");
        case P99Ms: {
            if (!live) return kNone;
            const double ms = node.p99Us / 1000;
            return fixed(ms, ms < 1 ? 2 : ms < 100 ? 1 : 0) + QStringLiteral(" ms");
        }
        case CpuPercent:
            if (!live) return kNone;
            return fixed(node.cpuPercent, 0) + QStringLiteral(" %");
        case MemoryMb:
            if (!live) return kNone;
            return fixed(node.rssBytes / 1e6, 0) + QStringLiteral(" MB");
        case LimitsRevision:
            return node.hasRevision ? QString::number(node.limitsRevision) : kNone;
        case Scale:
            if (!node.hasScale) return kNone;
            if (node.scaleRecommended && node.scaleRecommended != node.scaleCurrent) {
                return QStringLiteral("%1 → %2").arg(node.scaleCurrent).arg(node.scaleRecommended);
            }
            return QString::number(node.scaleCurrent);
    }
    return {};
}

QVariant FleetModel::sortKey(const Node& node, int column) const {
    const bool live = node.state == ConnectionState::Up && node.hasSnapshot;
    switch (column) {
        case Name:
            return node.name;
        case State:
            return stateRank(node.state);
        case RequestsPerSecond:
            return live ? node.requestsPerSecond : -1.0;
        case SuccessPercent:
            return live ? node.successPercent : -1.0;
        case P99Ms:
            return live ? node.p99Us / 1000 : -1.0;
        case CpuPercent:
            return live ? node.cpuPercent : -1.0;
        case MemoryMb:
            return live ? node.rssBytes / 1e6 : -1.0;
        case LimitsRevision:
            return node.hasRevision ? double(node.limitsRevision) : -1.0;
        case Scale:
            return node.hasScale ? double(node.scaleCurrent) : -1.0;
    }
    return {};
}

QVariant FleetModel::toolTip(const Node& node, int column) const {
    if (column == Name) {
        QStringList lines{node.address};
        if (node.hasInfo) {
            const auto& info = node.info;
            lines.append(tr("%1 · version %2")
                             .arg(QString::fromStdString(info.hostname),
                                  QString::fromStdString(info.version)));
            if (!info.callerRole.empty()) {
                lines.append(tr("this console: %1 (%2)")
                                 .arg(QString::fromStdString(info.callerRole),
                                      QString::fromStdString(info.callerIdentity)));
            }
        }
        return lines.join(u'\n');
    }
    if (column == Scale && node.hasInfo) {
        const auto& scale = node.info.scale;
        QStringList lines{tr("backend: %1").arg(QString::fromStdString(scale.backend)),
                          tr("current %1, desired %2, recommended %3")
                              .arg(node.scaleCurrent)
                              .arg(scale.desired)
                              .arg(node.scaleRecommended)};
        if (!scale.lastResult.empty()) {
            lines.append(tr("last: %1").arg(QString::fromStdString(scale.lastResult)));
        }
        return lines.join(u'\n');
    }
    if (node.detail.isEmpty()) return {};
    return node.detail;
}

void FleetModel::addNode(const QString& name, const QString& address) {
    if (const int row = rowOf(name); row >= 0) {
        m_nodes[row].address = address;
        rowChanged(row);
        return;
    }
    const int row = int(m_nodes.size());
    beginInsertRows({}, row, row);
    Node node;
    node.name = name;
    node.address = address;
    m_nodes.append(node);
    endInsertRows();
}

void FleetModel::removeNode(const QString& name) {
    const int row = rowOf(name);
    if (row < 0) return;
    beginRemoveRows({}, row, row);
    m_nodes.removeAt(row);
    endRemoveRows();
}

bool FleetModel::hasNode(const QString& name) const { return rowOf(name) >= 0; }

QString FleetModel::addressOf(const QString& name) const {
    const int row = rowOf(name);
    return row < 0 ? QString() : m_nodes[row].address;
}

QStringList FleetModel::nodeNames() const {
    QStringList names;
    names.reserve(m_nodes.size());
    for (const Node& node : m_nodes) names.append(node.name);
    return names;
}

int FleetModel::rowOf(const QString& name) const {
    for (qsizetype i = 0; i < m_nodes.size(); ++i) {
        if (m_nodes[i].name == name) return int(i);
    }
    return -1;
}

void FleetModel::setState(const QString& node, fleet::ConnectionState state,
                          const QString& detail) {
    const int row = rowOf(node);
    if (row < 0) return;
    Node& n = m_nodes[row];
    if (n.state == state && n.detail == detail) return;
    n.state = state;
    n.detail = detail;
    rowChanged(row);
}

void FleetModel::applySnapshot(const QString& node, const fleet::Snapshot& s) {
    const int row = rowOf(node);
    if (row < 0) return;
    Node& n = m_nodes[row];
    const double perSecond = s.intervalMs ? 1000.0 / s.intervalMs : 0;
    n.hasSnapshot = true;
    n.requestsPerSecond = s.requestsPerSecond();
    n.deniedPerSecond = double(s.interval.denied()) * perSecond;
    const uint64_t total = s.interval.total();
    n.successPercent = total ? 100.0 * double(s.interval.allow) / double(total) : 100.0;
    n.p99Us = s.p99Us;
    n.cpuPercent = s.processCpuPercent;
    n.rssBytes = double(s.rssBytes);
    n.hasRevision = true;
    n.limitsRevision = s.limitsRevision;
    n.hasScale = true;
    n.scaleCurrent = s.scaleCurrent;
    n.scaleRecommended = s.scaleRecommended;
    // The whole row, State included: the proxy's default order keys on the State column and only
    // re-sorts when a change covers it.
    rowChanged(row);
}

void FleetModel::setNodeInfo(const QString& node, const fleet::NodeInfo& info) {
    const int row = rowOf(node);
    if (row < 0) return;
    Node& n = m_nodes[row];
    n.info = info;
    n.hasInfo = true;
    n.hasScale = true;
    n.scaleCurrent = info.scale.current;
    n.scaleRecommended = info.scale.recommended;
    rowChanged(row);
}

fleet::ConnectionState FleetModel::stateOf(const QString& name) const {
    const int row = rowOf(name);
    return row < 0 ? ConnectionState::Down : m_nodes[row].state;
}

QString FleetModel::roleOf(const QString& name) const {
    const int row = rowOf(name);
    if (row < 0 || !m_nodes[row].hasInfo) return {};
    return QString::fromStdString(m_nodes[row].info.callerRole);
}

int FleetModel::upCount() const {
    int up = 0;
    for (const Node& node : m_nodes) up += node.state == ConnectionState::Up;
    return up;
}

void FleetModel::rowChanged(int row) {
    emit dataChanged(index(row, 0), index(row, ColumnCount - 1));
}

}  // namespace rampart::console
