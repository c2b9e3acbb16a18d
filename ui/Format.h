#pragma once

#include <QString>
#include <cstdint>

// How the console writes numbers for people: short, with units, the same everywhere.
namespace rampart::console::format {

QString rate(double perSecond);          // "950", "12.4k", "1.20M"
QString percent(double value);           // "99.2 %", "100 %"
QString latencyFromUs(double us);        // "850 µs", "3.1 ms", "1.20 s"
QString duration(uint32_t seconds);      // "5m", "1h", "24h", "90s"
QString clockTime(qint64 msSinceEpoch);  // "14:03:07"

}  // namespace rampart::console::format
