#include "ui/RevokeDialog.h"

#include <QComboBox>
#include <QDialogButtonBox>
#include <QFormLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QVBoxLayout>

namespace rampart::console {

RevokeDialog::RevokeDialog(const QString& subject, QWidget* parent)
    : QDialog(parent),
      m_subject(new QLineEdit(subject, this)),
      m_duration(new QComboBox(this)),
      m_reason(new QLineEdit(this)) {
    setObjectName("revokeDialog");
    setWindowTitle(tr("Revoke a subject"));
    m_subject->setObjectName("revokeSubject");
    m_duration->setObjectName("revokeDuration");
    m_reason->setObjectName("revokeReason");
    m_subject->setPlaceholderText(tr("the token's sub claim"));
    m_reason->setPlaceholderText(tr("why (kept in each node's audit log)"));
    // The agent accepts 1 s to 30 days.
    m_duration->addItem(tr("1 hour"), 3600);
    m_duration->addItem(tr("24 hours"), 86400);
    m_duration->addItem(tr("7 days"), 7 * 86400);
    m_duration->addItem(tr("30 days"), 30 * 86400);
    m_duration->setCurrentIndex(1);

    auto* form = new QFormLayout;
    form->addRow(tr("Subject"), m_subject);
    form->addRow(tr("For"), m_duration);
    form->addRow(tr("Reason"), m_reason);
    auto* note = new QLabel(
        tr("Every node refuses this subject's tokens until the time runs out, whatever their "
           "expiry."),
        this);
    note->setWordWrap(true);

    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Cancel, this);
    m_confirm = buttons->addButton(tr("Revoke"), QDialogButtonBox::AcceptRole);
    m_confirm->setObjectName("confirmRevoke");
    connect(buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    const auto update = [this] { m_confirm->setEnabled(!this->subject().isEmpty()); };
    connect(m_subject, &QLineEdit::textChanged, this, update);
    update();

    auto* layout = new QVBoxLayout(this);
    layout->addLayout(form);
    layout->addWidget(note);
    layout->addWidget(buttons);
}

QString RevokeDialog::subject() const { return m_subject->text().trimmed(); }

uint32_t RevokeDialog::seconds() const { return m_duration->currentData().toUInt(); }

QString RevokeDialog::reason() const {
    const QString r = m_reason->text().trimmed();
    return r.isEmpty() ? tr("revoked from rampart-console") : r;
}

}  // namespace rampart::console
