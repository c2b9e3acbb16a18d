#include "ui/FleetTable.h"

#include <QEvent>
#include <QHeaderView>
#include <algorithm>

#include "models/FleetModel.h"
#include "models/FleetSortProxy.h"

namespace rampart::console {

FleetTable::FleetTable(FleetModel& fleet, QWidget* parent)
    : QTableView(parent), m_proxy(new FleetSortProxy(this)) {
    setObjectName("fleetTable");
    m_proxy->setSourceModel(&fleet);
    setModel(m_proxy);
    setSortingEnabled(true);
    m_proxy->sortErrorsThenVolume();
    horizontalHeader()->setSortIndicator(FleetModel::State, Qt::AscendingOrder);
    setSelectionBehavior(QAbstractItemView::SelectRows);
    setSelectionMode(QAbstractItemView::SingleSelection);
    setEditTriggers(QAbstractItemView::NoEditTriggers);
    setWordWrap(false);
    verticalHeader()->setVisible(false);
    verticalHeader()->setDefaultSectionSize(fontMetrics().height() + 6);
    // Fitted to contents when nodes arrive and then at most every few seconds, not on every
    // snapshot: measuring every cell of a 50-row table at 10 Hz is what makes tables slow.
    horizontalHeader()->setSectionResizeMode(QHeaderView::Interactive);
    horizontalHeader()->setStretchLastSection(true);
    horizontalHeader()->setMinimumSectionSize(40);
    m_fitTimer.setSingleShot(true);
    connect(&m_fitTimer, &QTimer::timeout, this, [this] {
        fitColumns();
        m_sinceFit.start();
    });
    const auto fitSoon = [this] { m_fitTimer.start(0); };
    connect(&fleet, &QAbstractItemModel::rowsInserted, this, fitSoon);
    connect(&fleet, &QAbstractItemModel::modelReset, this, fitSoon);
    connect(&fleet, &QAbstractItemModel::dataChanged, this, [this] {
        if (m_fitTimer.isActive()) return;
        m_fitTimer.start(
            static_cast<int>(std::max<qint64>(0, kFitIntervalMs - m_sinceFit.elapsed())));
    });
    m_sinceFit.start();
    m_fitTimer.start(0);
    connect(this, &QAbstractItemView::doubleClicked, this, [this](const QModelIndex& index) {
        emit nodeActivated(index.data(FleetModel::NodeNameRole).toString());
    });
}

void FleetTable::fitColumns() {
    // Each column as wide as its header and its figures; when that is wider than the view,
    // headers give way before figures do ("Limits r…" is still readable, "96.1…" is not).
    const int columns = model()->columnCount();
    QList<int> want(columns);
    QList<int> need(columns);
    int total = 0;
    int slack = 0;
    for (int c = 0; c < columns; ++c) {
        const int header = horizontalHeader()->sectionSizeHint(c);
        need[c] = model()->rowCount() > 0 ? std::max(sizeHintForColumn(c), 40) : header;
        want[c] = std::max(need[c], header);
        total += want[c];
        slack += want[c] - need[c];
    }
    const int excess = total - viewport()->width();
    for (int c = 0; c < columns; ++c) {
        if (excess > 0 && slack > 0) {
            want[c] -= std::min(want[c] - need[c],
                                static_cast<int>(qint64(excess) * (want[c] - need[c]) / slack + 1));
        }
        setColumnWidth(c, want[c]);
    }
}

void FleetTable::resizeEvent(QResizeEvent* event) {
    QTableView::resizeEvent(event);
    m_fitTimer.start(0);
}

void FleetTable::changeEvent(QEvent* event) {
    QTableView::changeEvent(event);
    // War-room mode changes the type size: rows and columns follow.
    if (event->type() == QEvent::FontChange) {
        verticalHeader()->setDefaultSectionSize(fontMetrics().height() + 6);
        m_fitTimer.start(0);
    }
}

QString FleetTable::nodeAt(int viewRow) const {
    return m_proxy->index(viewRow, 0).data(FleetModel::NodeNameRole).toString();
}

}  // namespace rampart::console
