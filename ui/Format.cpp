#include "ui/Format.h"

#include <QDateTime>
#include <cmath>

namespace rampart::console::format {

QString rate(double v) {
    if (!std::isfinite(v)) return QStringLiteral("–");
    if (v >= 1e6) return QString::number(v / 1e6, 'f', 2) + "M";
    if (v >= 1e4) return QString::number(v / 1e3, 'f', 1) + "k";
    if (v >= 100) return QString::number(v, 'f', 0);
    if (v >= 10) return QString::number(v, 'f', 1);
    return QString::number(v, 'f', v == 0 ? 0 : 2);
}

QString percent(double v) {
    if (!std::isfinite(v)) return QStringLiteral("–");
    if (v >= 99.995) return QStringLiteral("100 %");
    return QString::number(v, 'f', v >= 10 ? 1 : 2) + " %";
}

QString latencyFromUs(double us) {
    if (!std::isfinite(us)) return QStringLiteral("–");
    if (us < 1000) return QString::number(us, 'f', 0) + " µs";
    if (us < 1e6) return QString::number(us / 1000, 'f', us < 1e4 ? 2 : 1) + " ms";
    return QString::number(us / 1e6, 'f', 2) + " s";
}

QString duration(uint32_t s) {
    if (s && s % 86400 == 0 && s >= 2 * 86400) return QString::number(s / 86400) + "d";
    if (s && s % 3600 == 0) return QString::number(s / 3600) + "h";
    if (s && s % 60 == 0) return QString::number(s / 60) + "m";
    return QString::number(s) + "s";
}

QString clockTime(qint64 ms) {
    return QDateTime::fromMSecsSinceEpoch(ms).toString(QStringLiteral("HH:mm:ss"));
}

}  // namespace rampart::console::format
