#include "ui/AddNodeDialog.h"

#include <QDialogButtonBox>
#include <QFileDialog>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLineEdit>
#include <QPushButton>
#include <QToolButton>
#include <QVBoxLayout>

namespace rampart::console {

AddNodeDialog::AddNodeDialog(QWidget* parent)
    : QDialog(parent), m_name(new QLineEdit(this)), m_address(new QLineEdit(this)) {
    setObjectName("addNodeDialog");
    setWindowTitle(tr("Add node"));
    m_name->setObjectName("nodeName");
    m_address->setObjectName("nodeAddress");
    m_name->setPlaceholderText(tr("auth-1"));
    m_address->setPlaceholderText(tr("host:port of the node's control endpoint"));
    auto* form = new QFormLayout;
    form->addRow(tr("Name"), m_name);
    form->addRow(tr("Address"), m_address);
    const QString pem = tr("PEM files (*.pem *.crt *.key);;All files (*)");
    m_ca = addFileRow(form, tr("CA certificate"), "nodeCa", pem);
    m_cert = addFileRow(form, tr("Client certificate"), "nodeCert", pem);
    m_key = addFileRow(form, tr("Client key"), "nodeKey", pem);

    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Cancel, this);
    m_ok = buttons->addButton(tr("Add"), QDialogButtonBox::AcceptRole);
    m_ok->setObjectName("confirmAddNode");
    connect(buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    for (auto* edit : {m_name, m_address, m_ca, m_cert, m_key}) {
        connect(edit, &QLineEdit::textChanged, this, &AddNodeDialog::updateOk);
    }
    auto* layout = new QVBoxLayout(this);
    layout->addLayout(form);
    layout->addWidget(buttons);
    resize(560, sizeHint().height());
    updateOk();
}

QLineEdit* AddNodeDialog::addFileRow(QFormLayout* form, const QString& label,
                                     const QString& objectName, const QString& filter) {
    auto* edit = new QLineEdit(this);
    edit->setObjectName(objectName);
    auto* browse = new QToolButton(this);
    browse->setText(tr("…"));
    connect(browse, &QToolButton::clicked, this, [this, edit, label, filter] {
        const QString path = QFileDialog::getOpenFileName(this, label, edit->text(), filter);
        if (!path.isEmpty()) edit->setText(path);
    });
    auto* row = new QHBoxLayout;
    row->addWidget(edit, 1);
    row->addWidget(browse);
    form->addRow(label, row);
    return edit;
}

void AddNodeDialog::updateOk() {
    // Mutual TLS needs all three files.
    bool ok = !name().isEmpty() && !address().isEmpty();
    for (auto* edit : {m_ca, m_cert, m_key}) ok = ok && !edit->text().trimmed().isEmpty();
    m_ok->setEnabled(ok);
}

QString AddNodeDialog::name() const { return m_name->text().trimmed(); }
QString AddNodeDialog::address() const { return m_address->text().trimmed(); }
QString AddNodeDialog::caFile() const { return m_ca->text().trimmed(); }
QString AddNodeDialog::certFile() const { return m_cert->text().trimmed(); }
QString AddNodeDialog::keyFile() const { return m_key->text().trimmed(); }

}  // namespace rampart::console
