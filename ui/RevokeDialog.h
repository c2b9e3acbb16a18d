#pragma once

#include <QDialog>

class QComboBox;
class QLineEdit;
class QPushButton;

namespace rampart::console {

// Asks which subject to revoke, for how long and why. Every node then refuses that subject's
// tokens until the time runs out, whatever their expiry.
class RevokeDialog : public QDialog {
    Q_OBJECT
public:
    explicit RevokeDialog(const QString& subject, QWidget* parent = nullptr);

    QString subject() const;
    uint32_t seconds() const;
    QString reason() const;

private:
    QLineEdit* m_subject;
    QComboBox* m_duration;
    QLineEdit* m_reason;
    QPushButton* m_confirm;
};

}  // namespace rampart::console
