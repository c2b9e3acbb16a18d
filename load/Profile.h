#pragma once

#include <string>
#include <vector>

#include "absl/status/statusor.h"

namespace rampart::load {

// Offered load as a function of time: piecewise-linear segments of (duration, start rate,
// end rate). Open loop: request i is due when the integral of the rate reaches i.
class Profile {
public:
    struct Segment {
        double seconds;
        double fromRate;
        double toRate;
    };

    static Profile constant(double rate, double seconds);
    static Profile ramp(double fromRate, double toRate, double seconds);
    // A launch: baseline, a climb to peak within `rampSeconds`, a hold, then a decay back.
    static Profile spike(double baseline, double peak, double leadSeconds, double rampSeconds,
                         double holdSeconds, double decaySeconds);

    double durationSeconds() const;
    double rateAt(double t) const;
    // Requests due by time t (the integral of the rate from 0 to t).
    double dueBy(double t) const;
    double totalRequests() const { return dueBy(durationSeconds()); }
    const std::vector<Segment>& segments() const { return segments_; }
    std::string describe() const;

private:
    std::vector<Segment> segments_;
};

}  // namespace rampart::load
