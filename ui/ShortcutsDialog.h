#pragma once

#include <QDialog>
#include <QList>

class QAction;

namespace rampart::console {

// Help → Shortcuts: every action that has a key, with its key, read from the actions
// themselves so the list cannot drift from what the keys do.
class ShortcutsDialog : public QDialog {
    Q_OBJECT
public:
    ShortcutsDialog(const QList<QAction*>& actions, QWidget* parent = nullptr);
    int rowCount() const { return m_rows; }

private:
    int m_rows = 0;
};

}  // namespace rampart::console
