#include "ui/ShortcutsDialog.h"

#include <QAction>
#include <QDialogButtonBox>
#include <QHeaderView>
#include <QTableWidget>
#include <QVBoxLayout>

namespace rampart::console {

ShortcutsDialog::ShortcutsDialog(const QList<QAction*>& actions, QWidget* parent)
    : QDialog(parent) {
    setObjectName("shortcutsDialog");
    setWindowTitle(tr("Keyboard shortcuts"));
    auto* table = new QTableWidget(0, 2, this);
    table->setObjectName("shortcutsTable");
    table->setHorizontalHeaderLabels({tr("Key"), tr("Action")});
    table->verticalHeader()->setVisible(false);
    table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    table->setSelectionMode(QAbstractItemView::NoSelection);
    table->horizontalHeader()->setSectionResizeMode(0, QHeaderView::ResizeToContents);
    table->horizontalHeader()->setStretchLastSection(true);
    for (auto* action : actions) {
        if (action->shortcut().isEmpty()) continue;
        table->insertRow(m_rows);
        QFont bold = table->font();
        bold.setBold(true);
        auto* key = new QTableWidgetItem(action->shortcut().toString(QKeySequence::NativeText));
        key->setFont(bold);
        table->setItem(m_rows, 0, key);
        table->setItem(m_rows, 1, new QTableWidgetItem(action->text().remove('&')));
        ++m_rows;
    }
    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Close, this);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    auto* layout = new QVBoxLayout(this);
    layout->addWidget(table);
    layout->addWidget(buttons);
    resize(440, 120 + 30 * m_rows);
}

}  // namespace rampart::console
