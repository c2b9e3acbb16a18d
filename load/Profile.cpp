#include "load/Profile.h"

#include <cstdio>

namespace rampart::load {

Profile Profile::constant(double rate, double seconds) { return ramp(rate, rate, seconds); }

Profile Profile::ramp(double fromRate, double toRate, double seconds) {
    Profile p;
    p.segments_.push_back({seconds, fromRate, toRate});
    return p;
}

Profile Profile::spike(double baseline, double peak, double leadSeconds, double rampSeconds,
                       double holdSeconds, double decaySeconds) {
    Profile p;
    if (leadSeconds > 0) p.segments_.push_back({leadSeconds, baseline, baseline});
    if (rampSeconds > 0) p.segments_.push_back({rampSeconds, baseline, peak});
    if (holdSeconds > 0) p.segments_.push_back({holdSeconds, peak, peak});
    if (decaySeconds > 0) p.segments_.push_back({decaySeconds, peak, baseline});
    return p;
}

double Profile::durationSeconds() const {
    double total = 0;
    for (const auto& s : segments_) total += s.seconds;
    return total;
}

double Profile::rateAt(double t) const {
    for (const auto& s : segments_) {
        if (t < s.seconds) return s.fromRate + (s.toRate - s.fromRate) * (t / s.seconds);
        t -= s.seconds;
    }
    return 0;
}

double Profile::dueBy(double t) const {
    double total = 0;
    for (const auto& s : segments_) {
        const double in = t < s.seconds ? t : s.seconds;
        if (in <= 0) break;
        // Area under a straight line from fromRate over `in` seconds.
        const double endRate = s.fromRate + (s.toRate - s.fromRate) * (in / s.seconds);
        total += (s.fromRate + endRate) / 2 * in;
        t -= s.seconds;
    }
    return total;
}

std::string Profile::describe() const {
    std::string out;
    char buffer[96];
    for (const auto& s : segments_) {
        std::snprintf(buffer, sizeof buffer, "%s%.0f→%.0f/s for %.1fs", out.empty() ? "" : ", ",
                      s.fromRate, s.toRate, s.seconds);
        out += buffer;
    }
    return out;
}

}  // namespace rampart::load
