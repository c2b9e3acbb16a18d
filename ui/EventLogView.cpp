#include "ui/EventLogView.h"

#include <QEvent>
#include <QHeaderView>
#include <QScrollBar>

#include "models/EventLogModel.h"

namespace rampart::console {

EventLogView::EventLogView(EventLogModel& events, QWidget* parent) : QTableView(parent) {
    setObjectName("eventLog");
    setModel(&events);
    setSelectionBehavior(QAbstractItemView::SelectRows);
    setEditTriggers(QAbstractItemView::NoEditTriggers);
    setWordWrap(false);
    setAlternatingRowColors(true);
    verticalHeader()->setVisible(false);
    horizontalHeader()->setStretchLastSection(true);
    // Fixed widths: resizing to contents on every insert would cost a pass over the model.
    horizontalHeader()->setSectionResizeMode(QHeaderView::Interactive);
    fitColumns();

    connect(verticalScrollBar(), &QScrollBar::valueChanged, this,
            [this](int value) { m_follow = value >= verticalScrollBar()->maximum() - 1; });
    connect(&events, &QAbstractItemModel::rowsInserted, this, [this] {
        if (m_follow) scrollToBottom();
    });
}

void EventLogView::fitColumns() {
    const auto& fm = fontMetrics();
    verticalHeader()->setDefaultSectionSize(fm.height() + 4);
    setColumnWidth(EventLogModel::Time, fm.horizontalAdvance("00:00:00") + 16);
    setColumnWidth(EventLogModel::Node, fm.horizontalAdvance("auth-node-00") + 16);
    setColumnWidth(EventLogModel::KindColumn, fm.horizontalAdvance("connection") + 16);
}

void EventLogView::changeEvent(QEvent* event) {
    QTableView::changeEvent(event);
    if (event->type() == QEvent::FontChange) fitColumns();
}

}  // namespace rampart::console
