#pragma once

#include <QColor>
#include <QtCharts/QChart>

namespace rampart::console {

// The console's two looks: a light desk theme and a dark war-room theme (large type, readable
// from across the room). Applied application-wide so dialogs follow; charts ask chartTheme().
class Theme {
public:
    enum class Mode { Light, WarRoom };

    // Fusion style + palette + a small stylesheet + the font scale for the mode.
    static void apply(Mode mode);
    static Mode current();
    static bool isDark() { return current() == Mode::WarRoom; }
    static QChart::ChartTheme chartTheme();
    // War-room type is this much larger than the desk type.
    static constexpr double kWarRoomFontScale = 1.5;

    // Colours that mean something, tuned for both backgrounds.
    static QColor good();
    static QColor bad();
    static QColor warning();
    static QColor accent();
    static QColor muted();
};

}  // namespace rampart::console
