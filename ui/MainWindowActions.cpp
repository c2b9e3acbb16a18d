#include "ui/MainWindowActions.h"

#include <QAction>
#include <QActionGroup>
#include <QKeySequence>

namespace rampart::console {

MainWindowActions::MainWindowActions(QObject* parent) : QObject(parent) {
    addNode = make(tr("&Add node…"), "actionAddNode", QKeySequence(tr("Ctrl+N")));
    openFleet = make(tr("&Open fleet file…"), "actionOpenFleet", QKeySequence::Open);
    exportPng = make(tr("Export chart &PNG…"), "actionExportPng", QKeySequence(tr("Ctrl+E")));
    exportCsv = make(tr("Export chart &CSV…"), "actionExportCsv", QKeySequence(tr("Ctrl+Shift+E")));
    exportEvents = make(tr("Export &event log CSV…"), "actionExportEvents");
    quit = make(tr("&Quit"), "actionQuit", QKeySequence::Quit);
    quit->setMenuRole(QAction::QuitRole);

    pause = make(tr("&Pause"), "actionPause", QKeySequence(Qt::Key_Space));
    pause->setCheckable(true);
    pause->setToolTip(tr("Freeze the charts (Space)"));
    warRoom = make(tr("&War-room mode"), "actionWarRoom", QKeySequence(Qt::Key_F11));
    warRoom->setCheckable(true);
    warRoom->setToolTip(tr("Full screen, dark, large type (F11)"));

    windowGroup = new QActionGroup(this);
    windowGroup->setExclusive(true);
    for (int minutes : {1, 5, 15, 60}) {
        auto* action = new QAction(tr("%1 min").arg(minutes), this);
        action->setObjectName(QStringLiteral("actionWindow%1").arg(minutes));
        action->setCheckable(true);
        action->setData(minutes);
        action->setToolTip(minutes == 1 ? tr("Show the last minute")
                                        : tr("Show the last %1 minutes").arg(minutes));
        windowGroup->addAction(action);
        windows.append(action);
    }

    focusFleet = make(tr("Go to the &fleet table"), "actionFocusFleet", QKeySequence(tr("Ctrl+F")));
    focusLimits = make(tr("Go to &limits"), "actionFocusLimits", QKeySequence(tr("Ctrl+L")));
    blockOffender =
        make(tr("&Block selected offender"), "actionBlockOffender", QKeySequence(tr("Ctrl+B")));
    shortcuts = make(tr("&Shortcuts…"), "actionShortcuts", QKeySequence::HelpContents);
}

QAction* MainWindowActions::make(const QString& text, const char* objectName,
                                 const QKeySequence& key) {
    auto* action = new QAction(text, this);
    action->setObjectName(objectName);
    if (!key.isEmpty()) action->setShortcut(key);
    return action;
}

QList<QAction*> MainWindowActions::withShortcuts() const {
    QList<QAction*> out;
    for (auto* a : {pause, warRoom, focusFleet, focusLimits, blockOffender, exportPng, exportCsv,
                    addNode, openFleet, shortcuts, quit}) {
        if (!a->shortcut().isEmpty()) out.append(a);
    }
    return out;
}

QAction* MainWindowActions::windowAction(int minutes) const {
    for (auto* a : windows) {
        if (a->data().toInt() == minutes) return a;
    }
    return nullptr;
}

}  // namespace rampart::console
