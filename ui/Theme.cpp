#include "ui/Theme.h"

#include <QApplication>
#include <QFont>
#include <QPalette>
#include <QStyle>
#include <QStyleFactory>

namespace rampart::console {
namespace {

Theme::Mode g_mode = Theme::Mode::Light;

// The font the application started with; both modes are derived from it so toggling never
// compounds the scale.
const QFont& baseFont() {
    static const QFont font = QApplication::font();
    return font;
}

QPalette warRoomPalette() {
    const QColor window(0x12, 0x16, 0x1c);
    const QColor base(0x1a, 0x1f, 0x27);
    const QColor text(0xe8, 0xea, 0xed);
    const QColor dimmed(0x7d, 0x85, 0x90);
    QPalette p;
    p.setColor(QPalette::Window, window);
    p.setColor(QPalette::WindowText, text);
    p.setColor(QPalette::Base, base);
    p.setColor(QPalette::AlternateBase, QColor(0x21, 0x27, 0x31));
    p.setColor(QPalette::Text, text);
    p.setColor(QPalette::Button, QColor(0x27, 0x2e, 0x39));
    p.setColor(QPalette::ButtonText, text);
    p.setColor(QPalette::BrightText, QColor(0xff, 0x6b, 0x6b));
    p.setColor(QPalette::Highlight, QColor(0x2f, 0x6f, 0xde));
    p.setColor(QPalette::HighlightedText, Qt::white);
    p.setColor(QPalette::ToolTipBase, base);
    p.setColor(QPalette::ToolTipText, text);
    p.setColor(QPalette::PlaceholderText, dimmed);
    p.setColor(QPalette::Link, QColor(0x6c, 0xa8, 0xff));
    p.setColor(QPalette::Mid, QColor(0x3a, 0x42, 0x4e));
    p.setColor(QPalette::Dark, QColor(0x0c, 0x0f, 0x13));
    p.setColor(QPalette::Light, QColor(0x3a, 0x42, 0x4e));
    for (auto role : {QPalette::WindowText, QPalette::Text, QPalette::ButtonText}) {
        p.setColor(QPalette::Disabled, role, dimmed);
    }
    p.setColor(QPalette::Disabled, QPalette::Button, QColor(0x1e, 0x23, 0x2b));
    return p;
}

// Only what a palette cannot say: the banners and the big-number tiles.
QString styleSheet(bool dark) {
    const QString tile = dark ? "#1a1f27" : "#f4f6f8";
    const QString border = dark ? "#2c3440" : "#d5dbe1";
    return QString(R"(
#pausedBanner { background: #e0a100; color: #111; font-weight: bold; padding: 4px 10px;
                border-radius: 3px; }
#alertBanner { background: #c62828; color: white; font-weight: bold; padding: 6px 10px;
               border-radius: 3px; }
#limitsError { color: #e53935; font-weight: bold; }
rampart--console--BigNumber { background: %1; border: 1px solid %2; border-radius: 4px; }
rampart--console--BigNumber[level="warning"] { background: #f0b400; border-color: #e0a100; }
rampart--console--BigNumber[level="warning"] QLabel { color: #111; }
rampart--console--BigNumber[level="alert"] { background: #b71c1c; border-color: #e53935; }
rampart--console--BigNumber[level="alert"] QLabel { color: white; }
)")
        .arg(tile, border);
}

}  // namespace

void Theme::apply(Mode mode) {
    baseFont();  // captured before the first change
    g_mode = mode;
    if (QApplication::style()->name().compare("fusion", Qt::CaseInsensitive) != 0) {
        QApplication::setStyle(QStyleFactory::create("Fusion"));
    }
    const bool dark = mode == Mode::WarRoom;
    QApplication::setPalette(dark ? warRoomPalette() : QApplication::style()->standardPalette());
    QFont font = baseFont();
    if (dark) font.setPointSizeF(baseFont().pointSizeF() * kWarRoomFontScale);
    QApplication::setFont(font);
    qApp->setStyleSheet(styleSheet(dark));
}

Theme::Mode Theme::current() { return g_mode; }

QChart::ChartTheme Theme::chartTheme() {
    return isDark() ? QChart::ChartThemeDark : QChart::ChartThemeLight;
}

QColor Theme::good() { return isDark() ? QColor(0x4c, 0xc3, 0x6a) : QColor(0x2e, 0x9d, 0x4f); }
QColor Theme::bad() { return isDark() ? QColor(0xff, 0x5c, 0x5c) : QColor(0xd3, 0x2f, 0x2f); }
QColor Theme::warning() { return QColor(0xe0, 0xa1, 0x00); }
QColor Theme::accent() { return isDark() ? QColor(0x6c, 0xa8, 0xff) : QColor(0x1f, 0x6f, 0xd1); }
QColor Theme::muted() { return isDark() ? QColor(0x8a, 0x93, 0x9e) : QColor(0x8a, 0x93, 0x9e); }

}  // namespace rampart::console
