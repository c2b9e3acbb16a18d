#include "ui/BigNumber.h"

#include <QEvent>
#include <QLabel>
#include <QStyle>
#include <QVBoxLayout>

namespace rampart::console {
namespace {
// The number dominates the tile; the caption is read up close.
constexpr double kValueScale = 2.6;
}  // namespace

BigNumber::BigNumber(const QString& caption, QWidget* parent)
    : QFrame(parent),
      m_value(new QLabel(QStringLiteral("–"), this)),
      m_caption(new QLabel(caption, this)),
      m_detail(new QLabel(this)) {
    m_value->setObjectName("value");
    m_caption->setObjectName("caption");
    m_detail->setObjectName("detail");
    m_value->setAlignment(Qt::AlignCenter);
    m_caption->setAlignment(Qt::AlignCenter);
    m_detail->setAlignment(Qt::AlignCenter);
    m_detail->setVisible(false);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(10, 4, 10, 6);
    layout->setSpacing(0);
    layout->addWidget(m_value);
    layout->addWidget(m_caption);
    layout->addWidget(m_detail);
    setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Fixed);
    updateFonts();
}

void BigNumber::setValue(const QString& text) {
    if (m_value->text() != text) m_value->setText(text);
}

QString BigNumber::value() const { return m_value->text(); }

void BigNumber::setDetail(const QString& text) {
    m_detail->setText(text);
    m_detail->setVisible(!text.isEmpty());
}

QString BigNumber::detail() const { return m_detail->text(); }

void BigNumber::setLevel(Level level) {
    if (level == m_level) return;
    m_level = level;
    // Property selectors in the stylesheet are only re-read on polish.
    style()->unpolish(this);
    style()->polish(this);
    for (auto* label : {m_value, m_caption, m_detail}) {
        style()->unpolish(label);
        style()->polish(label);
    }
}

QString BigNumber::levelName() const {
    switch (m_level) {
        case Level::Warning:
            return QStringLiteral("warning");
        case Level::Alert:
            return QStringLiteral("alert");
        case Level::Normal:
            break;
    }
    return QStringLiteral("normal");
}

void BigNumber::changeEvent(QEvent* event) {
    QFrame::changeEvent(event);
    if (event->type() == QEvent::FontChange) updateFonts();
}

void BigNumber::updateFonts() {
    QFont big = font();
    big.setPointSizeF(font().pointSizeF() * kValueScale);
    big.setBold(true);
    m_value->setFont(big);
    QFont small = font();
    small.setPointSizeF(font().pointSizeF() * 0.9);
    m_detail->setFont(small);
}

}  // namespace rampart::console
