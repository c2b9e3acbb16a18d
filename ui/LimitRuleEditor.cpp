#include "ui/LimitRuleEditor.h"

#include <QCheckBox>
#include <QDoubleSpinBox>
#include <QGridLayout>
#include <QLabel>

namespace rampart::console {

LimitRuleEditor::LimitRuleEditor(const QString& label, const QString& prefix, QGridLayout* grid,
                                 int row, QWidget* parent)
    : QObject(parent),
      m_rate(new QDoubleSpinBox(parent)),
      m_burst(new QDoubleSpinBox(parent)),
      m_shadow(new QCheckBox(tr("shadow"), parent)) {
    m_rate->setObjectName(prefix + "Rate");
    m_burst->setObjectName(prefix + "Burst");
    m_shadow->setObjectName(prefix + "Shadow");
    m_rate->setRange(0, 1e9);
    m_rate->setDecimals(2);
    m_rate->setSuffix(tr(" /s"));
    // The agent's rule: a rate of 0 turns the limit off.
    m_rate->setSpecialValueText(tr("off"));
    m_rate->setToolTip(tr("Requests per second allowed; 0 turns this limit off"));
    m_burst->setRange(0, 1e9);
    m_burst->setDecimals(0);
    m_burst->setToolTip(tr("Requests allowed at once above the rate"));
    m_shadow->setToolTip(tr("Shadow mode: count what this limit would deny, but deny nothing"));
    for (auto* spin : {m_rate, m_burst}) {
        spin->setAlignment(Qt::AlignRight);
        spin->setMinimumWidth(110);
        connect(spin, &QDoubleSpinBox::valueChanged, this, &LimitRuleEditor::changed);
    }
    connect(m_shadow, &QCheckBox::toggled, this, &LimitRuleEditor::changed);
    grid->addWidget(new QLabel(label, parent), row, 0);
    grid->addWidget(m_rate, row, 1);
    grid->addWidget(m_burst, row, 2);
    grid->addWidget(m_shadow, row, 3);
}

fleet::LimitRule LimitRuleEditor::rule() const {
    return {m_rate->value(), m_burst->value(), m_shadow->isChecked()};
}

void LimitRuleEditor::setRule(const fleet::LimitRule& rule) {
    m_rate->setValue(rule.rate);
    m_burst->setValue(rule.burst);
    m_shadow->setChecked(rule.shadow);
}

void LimitRuleEditor::setEnabled(bool enabled) {
    for (QWidget* w : {static_cast<QWidget*>(m_rate), static_cast<QWidget*>(m_burst),
                       static_cast<QWidget*>(m_shadow)}) {
        w->setEnabled(enabled);
    }
}

}  // namespace rampart::console
