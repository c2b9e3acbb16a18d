#pragma once

#include <QSet>
#include <QWidget>
#include <optional>
#include <utility>

#include "rpc/client/FleetTypes.h"

class QLabel;
class QLineEdit;
class QPushButton;

namespace rampart::console {

class FleetActions;
class FleetModel;
class LimitRuleEditor;
class TargetSelector;

// Edits per-IP, per-user and global rate limits (rate, burst, shadow) on one node or the whole
// fleet. Load fetches the current limits and their revision; Apply shows the diff and, once
// confirmed, sends the change with the revision it was based on. A node that moved on since
// (FAILED_PRECONDITION) is explained in plain words, with what to do about it.
class LimitsPanel : public QWidget {
    Q_OBJECT
public:
    LimitsPanel(FleetModel& fleet, FleetActions& actions, QWidget* parent = nullptr);

    void load();
    // Opens the confirmation (non-modal to the app, modal to this window); confirming it sends.
    void apply();
    void setTarget(const QString& node);
    QString target() const;
    std::optional<uint64_t> loadedRevision() const;

private:
    void onLoaded(const QString& node, const fleet::Limits& limits);
    void onFinished(const QString& node, const QString& action, const fleet::ActionResult& result);
    void onTargetChanged();
    void send(const fleet::Limits& next);
    fleet::Limits edited() const;
    fleet::Limits currentRules() const;  // the rules as the editors show them
    QString staleExplanation(const QString& node, const fleet::ActionResult& result) const;
    void setStatus(const QString& text);
    void setError(const QString& text);
    void updateControls();

    FleetModel& m_fleet;
    FleetActions& m_actions;
    TargetSelector* m_target;
    LimitRuleEditor* m_perIp;
    LimitRuleEditor* m_perSubject;
    LimitRuleEditor* m_global;
    QLineEdit* m_reason;
    QPushButton* m_load;
    QPushButton* m_apply;
    QLabel* m_status;
    QLabel* m_error;

    std::optional<fleet::Limits> m_loaded;  // as the node sent them
    fleet::Limits m_baseline;               // as the editors show them (rounded by the spin boxes)
    QString m_loadedFrom;
    bool m_loading = false;
    bool m_awaitingNew = false;  // an update was sent: its new limits will come back
    QSet<QString> m_applying;    // nodes whose update has not answered yet
    // After a stale-revision refusal: (baseline, edited) rules, re-applied on the next load.
    std::optional<std::pair<fleet::Limits, fleet::Limits>> m_carried;
    QString m_readOnly;
};

}  // namespace rampart::console
