#include "ui/LimitsDiffDialog.h"

#include <QDialogButtonBox>
#include <QHeaderView>
#include <QLabel>
#include <QPushButton>
#include <QTableWidget>
#include <QVBoxLayout>

namespace rampart::console {
namespace {

QString rateText(double rate) {
    return rate == 0 ? QObject::tr("off") : QString::number(rate, 'g', 10) + QObject::tr(" /s");
}

QString shadowText(bool shadow) { return shadow ? QObject::tr("on") : QObject::tr("off"); }

void compare(QList<LimitsDiffDialog::Change>& out, const QString& name,
             const fleet::LimitRule& before, const fleet::LimitRule& after) {
    if (before.rate != after.rate) {
        out.append({name + QObject::tr(" rate"), rateText(before.rate), rateText(after.rate)});
    }
    if (before.burst != after.burst) {
        out.append({name + QObject::tr(" burst"), QString::number(before.burst, 'g', 10),
                    QString::number(after.burst, 'g', 10)});
    }
    if (before.shadow != after.shadow) {
        out.append(
            {name + QObject::tr(" shadow"), shadowText(before.shadow), shadowText(after.shadow)});
    }
}

}  // namespace

QList<LimitsDiffDialog::Change> LimitsDiffDialog::changes(const fleet::Limits& before,
                                                          const fleet::Limits& after) {
    QList<Change> out;
    compare(out, tr("Per-IP"), before.perIp, after.perIp);
    compare(out, tr("Per-user"), before.perSubject, after.perSubject);
    compare(out, tr("Global"), before.global, after.global);
    return out;
}

LimitsDiffDialog::LimitsDiffDialog(const QString& target, const fleet::Limits& before,
                                   const fleet::Limits& after, const QString& basis,
                                   QWidget* parent)
    : QDialog(parent),
      m_changes(changes(before, after)),
      m_basis(basis),
      m_table(new QTableWidget(static_cast<int>(m_changes.size()), 3, this)) {
    setObjectName("limitsDiffDialog");
    setWindowTitle(tr("Apply limits to %1?").arg(target));
    auto* heading =
        new QLabel(tr("<b>Change the rate limits on %1</b>").arg(target.toHtmlEscaped()), this);
    auto* basisLabel = new QLabel(basis, this);
    basisLabel->setObjectName("diffBasis");
    basisLabel->setWordWrap(true);

    m_table->setObjectName("diffTable");
    m_table->setHorizontalHeaderLabels({tr("Field"), tr("Now"), tr("New")});
    m_table->verticalHeader()->setVisible(false);
    m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_table->setSelectionMode(QAbstractItemView::NoSelection);
    m_table->horizontalHeader()->setSectionResizeMode(QHeaderView::Stretch);
    m_table->setFocusPolicy(Qt::NoFocus);
    for (int row = 0; row < m_changes.size(); ++row) {
        const auto& change = m_changes[row];
        m_table->setItem(row, 0, new QTableWidgetItem(change.field));
        m_table->setItem(row, 1, new QTableWidgetItem(change.before));
        auto* after = new QTableWidgetItem(change.after);
        QFont bold = after->font();
        bold.setBold(true);
        after->setFont(bold);
        m_table->setItem(row, 2, after);
    }

    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Cancel, this);
    auto* apply = buttons->addButton(tr("Apply"), QDialogButtonBox::AcceptRole);
    apply->setObjectName("confirmApply");
    buttons->button(QDialogButtonBox::Cancel)->setDefault(true);
    connect(buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);

    auto* layout = new QVBoxLayout(this);
    layout->addWidget(heading);
    layout->addWidget(basisLabel);
    layout->addWidget(m_table);
    layout->addWidget(buttons);
    // As tall as its rows: the whole change is read at a glance, without scrolling.
    int height = m_table->horizontalHeader()->sizeHint().height() + 2 * m_table->frameWidth();
    for (int row = 0; row < m_table->rowCount(); ++row) height += m_table->rowHeight(row);
    m_table->setFixedHeight(height);
    resize(560, sizeHint().height());
}

QStringList LimitsDiffDialog::changedFields() const {
    QStringList out;
    for (const auto& change : m_changes) {
        out << QString("%1: %2 → %3").arg(change.field, change.before, change.after);
    }
    return out;
}

}  // namespace rampart::console
