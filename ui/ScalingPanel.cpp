#include "ui/ScalingPanel.h"

#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QPushButton>
#include <QSignalBlocker>
#include <QSpinBox>
#include <QVBoxLayout>

#include "models/FleetActions.h"
#include "models/FleetModel.h"
#include "ui/AccessPolicy.h"
#include "ui/TargetSelector.h"

namespace rampart::console {

ScalingPanel::ScalingPanel(FleetModel& fleet, FleetActions& actions, QWidget* parent)
    : QWidget(parent),
      m_fleet(fleet),
      m_actions(actions),
      m_target(new TargetSelector(fleet, {}, this)),
      m_currentLabel(new QLabel(QStringLiteral("–"), this)),
      m_recommendation(new QLabel(QStringLiteral("–"), this)),
      m_detail(new QLabel(this)),
      m_replicas(new QSpinBox(this)),
      m_apply(new QPushButton(tr("Apply"), this)),
      m_applyRecommendation(new QPushButton(tr("Apply recommendation"), this)),
      m_status(new QLabel(this)) {
    m_target->setObjectName("scalingTarget");
    m_currentLabel->setObjectName("scaleCurrent");
    m_recommendation->setObjectName("scaleRecommendation");
    m_detail->setObjectName("scaleDetail");
    m_replicas->setObjectName("scaleReplicas");
    m_apply->setObjectName("scaleApply");
    m_applyRecommendation->setObjectName("scaleApplyRecommendation");
    m_status->setObjectName("scaleStatus");
    for (auto* label : {m_recommendation, m_detail, m_status}) label->setWordWrap(true);
    QFont big = m_currentLabel->font();
    big.setPointSizeF(big.pointSizeF() * 1.6);
    big.setBold(true);
    m_currentLabel->setFont(big);
    m_replicas->setRange(0, 999);
    m_replicas->setSuffix(tr(" replicas"));

    auto* form = new QFormLayout;
    form->addRow(tr("Node"), m_target);
    form->addRow(tr("Current size"), m_currentLabel);
    form->addRow(tr("Recommended"), m_recommendation);
    form->addRow(QString(), m_detail);
    auto* controls = new QHBoxLayout;
    controls->addWidget(m_replicas);
    controls->addWidget(m_apply);
    controls->addStretch(1);
    controls->addWidget(m_applyRecommendation);
    auto* layout = new QVBoxLayout(this);
    layout->addLayout(form);
    layout->addLayout(controls);
    layout->addWidget(m_status);
    layout->addStretch(1);

    connect(m_target, &TargetSelector::targetChanged, this, [this] {
        m_edited = false;
        m_status->clear();
        refresh();
    });
    connect(m_replicas, &QSpinBox::valueChanged, this, [this] {
        m_edited = true;
        updateControls();
    });
    connect(m_apply, &QPushButton::clicked, this, [this] { applySize(m_replicas->value()); });
    connect(m_applyRecommendation, &QPushButton::clicked, this, &ScalingPanel::applyRecommendation);
    connect(&fleet, &QAbstractItemModel::dataChanged, this, &ScalingPanel::refresh);
    connect(&fleet, &QAbstractItemModel::rowsInserted, this, &ScalingPanel::refresh);
    connect(&fleet, &QAbstractItemModel::rowsRemoved, this, &ScalingPanel::refresh);
    connect(&fleet, &QAbstractItemModel::modelReset, this, &ScalingPanel::refresh);
    connect(&actions, &FleetActions::actionFinished, this,
            [this](const QString& node, const QString& action, const fleet::ActionResult& r) {
                if (!action.startsWith("scale") || node != target()) return;
                m_pending = false;
                m_edited = false;
                m_status->setText(r.ok ? tr("%1: %2 — done").arg(node, action)
                                       : tr("%1: %2 — %3 %4")
                                             .arg(node, action, QString::fromStdString(r.code),
                                                  QString::fromStdString(r.message)));
                refresh();
            });
    refresh();
}

void ScalingPanel::setTarget(const QString& node) { m_target->setTarget(node); }

QString ScalingPanel::target() const { return m_target->target(); }

void ScalingPanel::refresh() {
    const int row = m_fleet.rowOf(target());
    m_current = m_recommended = -1;
    double cpu = -1;
    QString detail;
    if (row >= 0) {
        const QModelIndex scale = m_fleet.index(row, FleetModel::Scale);
        m_current = static_cast<int>(scale.data(FleetModel::SortRole).toDouble());
        // FleetModel shows "3 → 5" when the recommendation differs from the current size.
        const QString shown = scale.data(Qt::DisplayRole).toString();
        const int arrow = shown.indexOf(QStringLiteral("→"));
        m_recommended = arrow >= 0 ? shown.mid(arrow + 1).trimmed().toInt() : m_current;
        cpu = m_fleet.index(row, FleetModel::CpuPercent).data(FleetModel::SortRole).toDouble();
        detail = scale.data(Qt::ToolTipRole).toString();
    }
    m_noBackend = detail.contains(QStringLiteral("backend: none"));
    m_currentLabel->setText(m_current >= 0 ? QString::number(m_current) : QStringLiteral("–"));
    m_recommendation->setText(m_recommended >= 0 ? recommendationReason(cpu) : tr("no data yet"));
    m_detail->setText(detail.replace('\n', QStringLiteral(" · ")));
    if (!m_edited && m_current >= 0) {
        const QSignalBlocker blocker(m_replicas);
        m_replicas->setValue(m_current);
    }
    updateControls();
}

QString ScalingPanel::recommendationReason(double cpu) const {
    const QString cpuText =
        cpu >= 0 ? tr("process CPU %1 % of a core").arg(cpu, 0, 'f', 0) : tr("no CPU figure");
    // The node's rule is the Kubernetes HPA's: ceil(current × observed ÷ target), no change
    // within 10 % of the target.
    if (m_recommended > m_current) {
        return tr("<b>%1</b> — above the node's CPU target (%2): ceil(%3 × observed ÷ target)")
            .arg(m_recommended)
            .arg(cpuText)
            .arg(m_current);
    }
    if (m_recommended < m_current) {
        return tr("<b>%1</b> — below the node's CPU target (%2): ceil(%3 × observed ÷ target)")
            .arg(m_recommended)
            .arg(cpuText)
            .arg(m_current);
    }
    return tr("<b>%1</b> — no change: CPU within 10 % of the node's target (%2)")
        .arg(m_recommended)
        .arg(cpuText);
}

void ScalingPanel::applySize(int replicas) {
    if (target().isEmpty() || replicas < 0 ||
        !AccessPolicy::readOnlyReason(m_fleet, target()).isEmpty()) {
        return;
    }
    m_pending = true;
    m_status->setText(tr("Scaling %1 to %2…").arg(target()).arg(replicas));
    m_actions.scale(target(), static_cast<uint32_t>(replicas), tr("scaled from rampart-console"));
    updateControls();
}

void ScalingPanel::applyRecommendation() {
    if (m_recommended >= 0) applySize(m_recommended);
}

void ScalingPanel::updateControls() {
    QString why = target().isEmpty() ? tr("no node to scale yet")
                                     : AccessPolicy::readOnlyReason(m_fleet, target());
    if (why.isEmpty() && m_noBackend) {
        why = tr("%1 has no scaling backend configured").arg(target());
    }
    if (why.isEmpty() && m_pending) why = tr("waiting for %1 to answer").arg(target());
    const bool allowed = why.isEmpty();
    m_replicas->setEnabled(allowed);
    m_apply->setEnabled(allowed);
    m_applyRecommendation->setEnabled(allowed && m_recommended >= 0 && m_recommended != m_current);
    m_apply->setText(tr("Scale to %1").arg(m_replicas->value()));
    m_applyRecommendation->setText(m_recommended >= 0
                                       ? tr("Apply recommendation (%1)").arg(m_recommended)
                                       : tr("Apply recommendation"));
    m_apply->setToolTip(allowed ? tr("Set %1's data-plane size").arg(target()) : why);
    m_applyRecommendation->setToolTip(allowed ? (m_recommended == m_current
                                                     ? tr("Already at the recommended size")
                                                     : tr("Scale to what the node recommends"))
                                              : why);
}

}  // namespace rampart::console
