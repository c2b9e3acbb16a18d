#include "ui/OffendersPanel.h"

#include <QComboBox>
#include <QEvent>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QItemSelectionModel>
#include <QLabel>
#include <QPushButton>
#include <QTableView>
#include <QVBoxLayout>

#include "models/FleetActions.h"
#include "models/FleetModel.h"
#include "models/OffendersModel.h"
#include "ui/AccessPolicy.h"
#include "ui/Format.h"
#include "ui/RevokeDialog.h"

namespace rampart::console {

OffendersPanel::OffendersPanel(OffendersModel& offenders, FleetModel& fleet, FleetActions& actions,
                               QWidget* parent)
    : QWidget(parent),
      m_offenders(offenders),
      m_fleet(fleet),
      m_actions(actions),
      m_table(new QTableView(this)),
      m_duration(new QComboBox(this)),
      m_block(new QPushButton(this)),
      m_revoke(new QPushButton(tr("Revoke subject…"), this)),
      m_status(new QLabel(this)) {
    m_table->setObjectName("offendersTable");
    m_duration->setObjectName("blockDuration");
    m_block->setObjectName("blockButton");
    m_revoke->setObjectName("revokeButton");
    m_status->setObjectName("offendersStatus");
    m_status->setWordWrap(true);

    m_table->setModel(&offenders);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setSelectionMode(QAbstractItemView::SingleSelection);
    m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_table->verticalHeader()->setVisible(false);
    m_table->verticalHeader()->setDefaultSectionSize(m_table->fontMetrics().height() + 6);
    m_table->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    m_table->horizontalHeader()->setSectionResizeMode(OffendersModel::Key, QHeaderView::Stretch);
    m_table->setAlternatingRowColors(true);

    for (uint32_t seconds : {300u, 900u, 3600u, 86400u}) {
        m_duration->addItem(format::duration(seconds), seconds);
    }
    m_duration->setCurrentIndex(1);
    m_duration->setToolTip(tr("How long the block lasts on every node"));

    auto* buttons = new QHBoxLayout;
    buttons->addWidget(new QLabel(tr("Block for"), this));
    buttons->addWidget(m_duration);
    buttons->addWidget(m_block, 1);
    buttons->addWidget(m_revoke);
    auto* layout = new QVBoxLayout(this);
    layout->addWidget(m_table, 1);
    layout->addLayout(buttons);
    layout->addWidget(m_status);

    connect(m_block, &QPushButton::clicked, this, &OffendersPanel::blockSelected);
    connect(m_revoke, &QPushButton::clicked, this, &OffendersPanel::openRevokeDialog);
    connect(m_duration, &QComboBox::currentIndexChanged, this, &OffendersPanel::updateControls);
    connect(m_table->selectionModel(), &QItemSelectionModel::selectionChanged, this,
            &OffendersPanel::updateControls);
    connect(&offenders, &QAbstractItemModel::dataChanged, this, &OffendersPanel::updateControls);
    connect(&offenders, &QAbstractItemModel::modelReset, this, &OffendersPanel::updateControls);
    connect(&offenders, &QAbstractItemModel::layoutChanged, this, &OffendersPanel::updateControls);
    connect(&offenders, &QAbstractItemModel::rowsRemoved, this, &OffendersPanel::updateControls);
    connect(&fleet, &QAbstractItemModel::dataChanged, this, &OffendersPanel::updateControls);
    connect(&fleet, &QAbstractItemModel::rowsInserted, this, &OffendersPanel::updateControls);
    connect(&fleet, &QAbstractItemModel::rowsRemoved, this, &OffendersPanel::updateControls);
    connect(&actions, &FleetActions::actionFinished, this,
            [this](const QString& node, const QString& action, const fleet::ActionResult& r) {
                if (!action.startsWith("block") && !action.startsWith("revoke")) return;
                m_status->setText(r.ok ? tr("%1: %2 — done").arg(node, action)
                                       : tr("%1: %2 — %3 %4")
                                             .arg(node, action, QString::fromStdString(r.code),
                                                  QString::fromStdString(r.message)));
            });
    updateControls();
}

void OffendersPanel::changeEvent(QEvent* event) {
    QWidget::changeEvent(event);
    if (event->type() == QEvent::FontChange) {
        m_table->verticalHeader()->setDefaultSectionSize(m_table->fontMetrics().height() + 6);
    }
}

int OffendersPanel::selectedRow() const {
    const auto rows = m_table->selectionModel()->selectedRows();
    return rows.isEmpty() ? -1 : rows.first().row();
}

void OffendersPanel::setBlockSeconds(uint32_t seconds) {
    const int index = m_duration->findData(seconds);
    if (index >= 0) m_duration->setCurrentIndex(index);
}

uint32_t OffendersPanel::blockSeconds() const { return m_duration->currentData().toUInt(); }

bool OffendersPanel::blockSelected() {
    const int row = selectedRow();
    if (row < 0 || !AccessPolicy::readOnlyReason(m_fleet, {}).isEmpty()) return false;
    const QString key = m_offenders.keyAt(row);
    if (key.isEmpty()) return false;
    const auto kind =
        m_offenders.isSubjectAt(row) ? fleet::BlockKind::Subject : fleet::BlockKind::Client;
    m_actions.block({}, kind, key, blockSeconds(),
                    tr("blocked from rampart-console as a top offender"));
    m_status->setText(
        tr("Blocking %1 for %2 on every node…").arg(key, format::duration(blockSeconds())));
    return true;
}

void OffendersPanel::openRevokeDialog() {
    if (!AccessPolicy::readOnlyReason(m_fleet, {}).isEmpty()) return;
    const int row = selectedRow();
    const QString subject =
        row >= 0 && m_offenders.isSubjectAt(row) ? m_offenders.keyAt(row) : QString();
    auto* dialog = new RevokeDialog(subject, this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    connect(dialog, &QDialog::accepted, this, [this, dialog] {
        m_actions.revoke({}, dialog->subject(), dialog->seconds(), dialog->reason());
        m_status->setText(tr("Revoking %1 for %2 on every node…")
                              .arg(dialog->subject(), format::duration(dialog->seconds())));
    });
    dialog->open();
}

void OffendersPanel::updateControls() {
    const QString readOnly = AccessPolicy::readOnlyReason(m_fleet, {});
    const int row = selectedRow();
    const QString key = row >= 0 ? m_offenders.keyAt(row) : QString();
    m_block->setText(key.isEmpty() ? tr("Block selected") : tr("Block %1").arg(key));
    m_block->setEnabled(readOnly.isEmpty() && !key.isEmpty());
    m_revoke->setEnabled(readOnly.isEmpty());
    if (!readOnly.isEmpty()) {
        m_block->setToolTip(readOnly);
        m_revoke->setToolTip(readOnly);
        return;
    }
    m_block->setToolTip(key.isEmpty() ? tr("Select an offender to block (Ctrl+B)")
                                      : tr("Block %1 on every node for %2 (Ctrl+B)")
                                            .arg(key, format::duration(blockSeconds())));
    m_revoke->setToolTip(tr("Refuse a subject's tokens on every node for a while"));
}

}  // namespace rampart::console
