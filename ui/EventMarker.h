#pragma once

#include <QString>

namespace rampart::console {

// An operator action or an alert, drawn on the charts' time axis.
struct EventMarker {
    qint64 timeMs = 0;
    QString text;
    bool alert = false;
};

}  // namespace rampart::console
