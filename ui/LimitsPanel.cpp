#include "ui/LimitsPanel.h"

#include <QGridLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QRegularExpression>
#include <QVBoxLayout>

#include "models/FleetActions.h"
#include "models/FleetModel.h"
#include "ui/AccessPolicy.h"
#include "ui/LimitRuleEditor.h"
#include "ui/LimitsDiffDialog.h"
#include "ui/TargetSelector.h"

namespace rampart::console {
namespace {

const QString kUpdateAction = QStringLiteral("update limits");
const QString kLoadAction = QStringLiteral("load limits");

// Takes from `edited` only what the operator changed: a value the spin box merely rounded
// keeps the node's exact figure.
fleet::LimitRule merged(const fleet::LimitRule& loaded, const fleet::LimitRule& baseline,
                        const fleet::LimitRule& edited) {
    fleet::LimitRule out = loaded;
    if (edited.rate != baseline.rate) out.rate = edited.rate;
    if (edited.burst != baseline.burst) out.burst = edited.burst;
    if (edited.shadow != baseline.shadow) out.shadow = edited.shadow;
    return out;
}

}  // namespace

LimitsPanel::LimitsPanel(FleetModel& fleet, FleetActions& actions, QWidget* parent)
    : QWidget(parent),
      m_fleet(fleet),
      m_actions(actions),
      m_target(new TargetSelector(fleet, tr("All nodes"), this)),
      m_reason(new QLineEdit(this)),
      m_load(new QPushButton(tr("Load"), this)),
      m_apply(new QPushButton(tr("Apply…"), this)),
      m_status(new QLabel(this)),
      m_error(new QLabel(this)) {
    m_target->setObjectName("limitsTarget");
    m_reason->setObjectName("limitsReason");
    m_load->setObjectName("limitsLoad");
    m_apply->setObjectName("limitsApply");
    m_status->setObjectName("limitsStatus");
    m_error->setObjectName("limitsError");
    m_reason->setPlaceholderText(tr("why (kept in the node's audit log)"));
    m_status->setWordWrap(true);
    m_error->setWordWrap(true);
    m_error->setVisible(false);
    m_error->setTextInteractionFlags(Qt::TextSelectableByMouse);

    auto* top = new QHBoxLayout;
    top->addWidget(new QLabel(tr("Target"), this));
    top->addWidget(m_target, 1);
    top->addWidget(m_load);

    auto* grid = new QGridLayout;
    grid->addWidget(new QLabel(tr("<b>rate</b>"), this), 0, 1);
    grid->addWidget(new QLabel(tr("<b>burst</b>"), this), 0, 2);
    m_perIp = new LimitRuleEditor(tr("Per IP"), "perIp", grid, 1, this);
    m_perSubject = new LimitRuleEditor(tr("Per user"), "perUser", grid, 2, this);
    m_global = new LimitRuleEditor(tr("Global"), "global", grid, 3, this);
    grid->setColumnStretch(4, 1);

    auto* bottom = new QHBoxLayout;
    bottom->addWidget(m_reason, 1);
    bottom->addWidget(m_apply);

    auto* layout = new QVBoxLayout(this);
    layout->addLayout(top);
    layout->addLayout(grid);
    layout->addLayout(bottom);
    layout->addWidget(m_status);
    layout->addWidget(m_error);
    layout->addStretch(1);

    connect(m_load, &QPushButton::clicked, this, &LimitsPanel::load);
    connect(m_apply, &QPushButton::clicked, this, &LimitsPanel::apply);
    connect(m_target, &TargetSelector::targetChanged, this, &LimitsPanel::onTargetChanged);
    for (auto* editor : {m_perIp, m_perSubject, m_global}) {
        connect(editor, &LimitRuleEditor::changed, this, &LimitsPanel::updateControls);
    }
    connect(&actions, &FleetActions::limitsLoaded, this, &LimitsPanel::onLoaded);
    connect(&actions, &FleetActions::actionFinished, this, &LimitsPanel::onFinished);
    for (auto signal : {&QAbstractItemModel::rowsInserted, &QAbstractItemModel::rowsRemoved}) {
        connect(&fleet, signal, this, &LimitsPanel::updateControls);
    }
    connect(&fleet, &QAbstractItemModel::dataChanged, this, &LimitsPanel::updateControls);
    connect(&fleet, &QAbstractItemModel::modelReset, this, &LimitsPanel::updateControls);
    onTargetChanged();
}

QString LimitsPanel::target() const { return m_target->target(); }

void LimitsPanel::setTarget(const QString& node) { m_target->setTarget(node); }

std::optional<uint64_t> LimitsPanel::loadedRevision() const {
    if (!m_loaded) return std::nullopt;
    return m_loaded->revision;
}

void LimitsPanel::onTargetChanged() {
    m_loaded.reset();
    m_carried.reset();
    m_loadedFrom.clear();
    m_loading = false;
    setError({});
    setStatus(tr("Load the current limits of %1 to edit them.")
                  .arg(target().isEmpty() ? tr("the fleet") : target()));
    updateControls();
}

void LimitsPanel::load() {
    m_loading = true;
    setError({});
    setStatus(tr("Loading…"));
    // For the whole fleet the network layer answers with one node's limits: the fleet is
    // meant to share them, and each node applies the change on top of its own revision.
    m_actions.loadLimits(target());
    updateControls();
}

void LimitsPanel::onLoaded(const QString& node, const fleet::Limits& limits) {
    const bool forTarget = target().isEmpty() || node == target();
    // After an update the node sends its new limits: they become the base of the next edit.
    // (The fleet-wide path first re-reads each node: an answer no newer than ours is that.)
    const bool afterApply =
        m_awaitingNew && m_loaded && node == m_loadedFrom && limits.revision > m_loaded->revision;
    if (!forTarget || !(m_loading || afterApply)) return;
    m_loading = false;
    m_awaitingNew = false;
    m_loaded = limits;
    m_loadedFrom = node;
    m_perIp->setRule(limits.perIp);
    m_perSubject->setRule(limits.perSubject);
    m_global->setRule(limits.global);
    m_baseline = limits;
    m_baseline.perIp = m_perIp->rule();
    m_baseline.perSubject = m_perSubject->rule();
    m_baseline.global = m_global->rule();
    QString status = target().isEmpty()
                         ? tr("Revision %1, loaded from %2 (the fleet's limits as %2 has them).")
                               .arg(limits.revision)
                               .arg(node)
                         : tr("Revision %1, loaded from %2.").arg(limits.revision).arg(node);
    if (m_carried) {
        // Reloaded after a refusal: the operator's edits go on top of the new revision, so
        // the next diff shows them against what the node has now.
        const auto& [before, after] = *m_carried;
        m_perIp->setRule(merged(m_baseline.perIp, before.perIp, after.perIp));
        m_perSubject->setRule(merged(m_baseline.perSubject, before.perSubject, after.perSubject));
        m_global->setRule(merged(m_baseline.global, before.global, after.global));
        m_carried.reset();
        status += tr(" Your edits are kept on top of it: review and apply.");
    }
    setStatus(status);
    updateControls();
}

fleet::Limits LimitsPanel::currentRules() const {
    fleet::Limits shown;
    shown.perIp = m_perIp->rule();
    shown.perSubject = m_perSubject->rule();
    shown.global = m_global->rule();
    return shown;
}

fleet::Limits LimitsPanel::edited() const {
    fleet::Limits next = m_loaded.value_or(fleet::Limits{});
    next.perIp = merged(next.perIp, m_baseline.perIp, m_perIp->rule());
    next.perSubject = merged(next.perSubject, m_baseline.perSubject, m_perSubject->rule());
    next.global = merged(next.global, m_baseline.global, m_global->rule());
    return next;
}

void LimitsPanel::apply() {
    if (!m_loaded || !m_readOnly.isEmpty()) return;
    const fleet::Limits next = edited();
    if (LimitsDiffDialog::changes(*m_loaded, next).isEmpty()) {
        setStatus(tr("Nothing to apply: the limits are as loaded."));
        return;
    }
    const int nodes = static_cast<int>(m_fleet.nodeNames().size());
    const QString where = !target().isEmpty() ? target()
                          : nodes == 1        ? tr("the fleet's only node")
                                              : tr("all %1 nodes").arg(nodes);
    const QString basis =
        target().isEmpty()
            ? tr("Based on revision %1 loaded from %2. Each node applies the change on top of "
                 "its own current revision.")
                  .arg(m_loaded->revision)
                  .arg(m_loadedFrom)
            : tr("Based on revision %1 loaded from %2. If someone changes the limits on %2 "
                 "before you confirm, %2 refuses the change.")
                  .arg(m_loaded->revision)
                  .arg(m_loadedFrom);
    auto* dialog = new LimitsDiffDialog(where, *m_loaded, next, basis, this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    connect(dialog, &QDialog::accepted, this, [this, next] { send(next); });
    dialog->open();
}

void LimitsPanel::send(const fleet::Limits& next) {
    if (!m_loaded) return;
    const QString reason = m_reason->text().trimmed().isEmpty() ? tr("changed from rampart-console")
                                                                : m_reason->text().trimmed();
    m_applying.clear();
    m_awaitingNew = true;
    if (target().isEmpty()) {
        for (const auto& node : m_fleet.nodeNames()) m_applying.insert(node);
    } else {
        m_applying.insert(target());
    }
    setError({});
    setStatus(tr("Applying (based on revision %1)…").arg(m_loaded->revision));
    m_actions.updateLimits(target(), next, m_loaded->revision, reason);
    updateControls();
}

void LimitsPanel::onFinished(const QString& node, const QString& action,
                             const fleet::ActionResult& result) {
    if (action == kLoadAction && m_loading && (target().isEmpty() || node == target())) {
        m_loading = false;
        setStatus({});
        setError(tr("Could not load the limits of %1: %2 — %3")
                     .arg(node, QString::fromStdString(result.code),
                          QString::fromStdString(result.message)));
        updateControls();
        return;
    }
    if (action != kUpdateAction || !m_applying.remove(node)) return;
    if (!result.ok && node == m_loadedFrom) m_awaitingNew = false;
    if (!result.ok) setStatus(tr("Not applied."));
    if (result.ok) {
        setStatus(tr("Applied on %1.").arg(node));
    } else if (result.code == "FAILED_PRECONDITION") {
        setError(staleExplanation(node, result));
        m_carried = std::pair(m_baseline, currentRules());
    } else if (result.code == "PERMISSION_DENIED") {
        setError(tr("%1 refused: your certificate may not change limits there (%2).")
                     .arg(node, QString::fromStdString(result.message)));
    } else {
        setError(tr("%1 did not apply the change: %2 — %3")
                     .arg(node, QString::fromStdString(result.code),
                          QString::fromStdString(result.message)));
    }
    updateControls();
}

QString LimitsPanel::staleExplanation(const QString& node,
                                      const fleet::ActionResult& result) const {
    // The agent says "you edited revision A, the node is at revision B"; when a node says less,
    // the revision the fleet table last saw stands in for B.
    QString from = m_loaded ? QString::number(m_loaded->revision) : tr("yours");
    QString to;
    static const QRegularExpression edited(QStringLiteral("edited revision (\\d+)"));
    static const QRegularExpression current(QStringLiteral("at revision (\\d+)"));
    const QString message = QString::fromStdString(result.message);
    if (auto m = edited.match(message); m.hasMatch()) from = m.captured(1);
    if (auto m = current.match(message); m.hasMatch()) {
        to = m.captured(1);
    } else if (const int row = m_fleet.rowOf(node); row >= 0) {
        const double seen =
            m_fleet.index(row, FleetModel::LimitsRevision).data(FleetModel::SortRole).toDouble();
        if (seen >= 0 && QString::number(qint64(seen)) != from) to = QString::number(qint64(seen));
    }
    if (to.isEmpty()) to = tr("a newer one");
    return tr("%1: someone changed the limits since you loaded them (revision %2 → %3); reload "
              "and re-apply.")
        .arg(node, from, to);
}

void LimitsPanel::setStatus(const QString& text) { m_status->setText(text); }

void LimitsPanel::setError(const QString& text) {
    m_error->setText(text);
    m_error->setVisible(!text.isEmpty());
}

void LimitsPanel::updateControls() {
    m_readOnly = AccessPolicy::readOnlyReason(m_fleet, target());
    const bool loaded = m_loaded.has_value();
    for (auto* editor : {m_perIp, m_perSubject, m_global}) editor->setEnabled(loaded);
    m_load->setEnabled(!m_loading);
    const bool changed = loaded && !LimitsDiffDialog::changes(*m_loaded, edited()).isEmpty();
    m_apply->setEnabled(m_readOnly.isEmpty() && changed && m_applying.isEmpty());
    if (!m_readOnly.isEmpty()) {
        m_apply->setToolTip(m_readOnly);
    } else if (!loaded) {
        m_apply->setToolTip(tr("Load the current limits first"));
    } else if (!m_applying.isEmpty()) {
        m_apply->setToolTip(tr("Waiting for the nodes to answer"));
    } else {
        m_apply->setToolTip(tr("Review the change and apply it (Ctrl+L focuses this panel)"));
    }
    m_reason->setEnabled(m_readOnly.isEmpty());
}

}  // namespace rampart::console
