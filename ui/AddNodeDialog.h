#pragma once

#include <QDialog>

class QFormLayout;
class QLineEdit;
class QPushButton;

namespace rampart::console {

// Asks for a node's name, control address and TLS material (CA, client certificate and key).
class AddNodeDialog : public QDialog {
    Q_OBJECT
public:
    explicit AddNodeDialog(QWidget* parent = nullptr);

    QString name() const;
    QString address() const;
    QString caFile() const;
    QString certFile() const;
    QString keyFile() const;

private:
    QLineEdit* addFileRow(QFormLayout* form, const QString& label, const QString& objectName,
                          const QString& filter);
    void updateOk();

    QLineEdit* m_name;
    QLineEdit* m_address;
    QLineEdit* m_ca;
    QLineEdit* m_cert;
    QLineEdit* m_key;
    QPushButton* m_ok;
};

}  // namespace rampart::console
