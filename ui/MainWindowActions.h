#pragma once

#include <QKeySequence>
#include <QList>
#include <QObject>

class QAction;
class QActionGroup;

namespace rampart::console {

// The main window's actions with their keys and object names; MainWindow puts them in menus
// and the toolbar and connects them. Kept apart so the window's file is about layout.
class MainWindowActions : public QObject {
    Q_OBJECT
public:
    explicit MainWindowActions(QObject* parent);

    // Every action that has a shortcut, for Help → Shortcuts.
    QList<QAction*> withShortcuts() const;
    QAction* windowAction(int minutes) const;

    QAction* addNode;
    QAction* openFleet;
    QAction* exportPng;
    QAction* exportCsv;
    QAction* exportEvents;
    QAction* quit;
    QAction* pause;
    QAction* warRoom;
    QActionGroup* windowGroup;
    QList<QAction*> windows;  // 1, 5, 15, 60 minutes
    QAction* focusFleet;
    QAction* focusLimits;
    QAction* blockOffender;
    QAction* shortcuts;

private:
    QAction* make(const QString& text, const char* objectName, const QKeySequence& key = {});
};

}  // namespace rampart::console
