#pragma once

#include <cstdint>
#include <ostream>

#include "load/Driver.h"
#include "load/Profile.h"
#include "load/Recorder.h"
#include "load/TrafficMix.h"

namespace rampart::load {

struct RunOptions {
    Profile profile = Profile::constant(1000, 10);
    uint64_t maxRequests = 10'000'000;  // a hard stop whatever the profile says
    size_t maxInFlight = 20'000;        // beyond this, due requests are dropped and counted
    uint64_t seed = 1;
    bool progress = true;
};

struct RunResult {
    Recorder::Summary summary;
    uint64_t sent = 0;
    double seconds = 0;
    double offered = 0;  // requests the profile asked for
};

// Open loop: sends request i when the profile says it is due, whatever happened to the ones
// before, and prints a progress line every second. Ends when the profile does (plus a short
// wait for answers).
RunResult run(const RunOptions& options, const TrafficMix& mix, Driver& driver,
              Recorder& recorder, std::ostream& progress);

}  // namespace rampart::load
