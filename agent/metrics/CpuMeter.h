#pragma once

#include <chrono>
#include <cstdint>

namespace rampart::metrics {

// CPU use between two calls to sample(): this process (% of one core) and the whole host (% of
// all cores, from /proc/stat).
class CpuMeter {
public:
    CpuMeter();
    struct Sample {
        double processPercent = 0;
        double hostPercent = 0;
    };
    Sample sample();

private:
    double processSeconds_ = 0;
    uint64_t hostBusy_ = 0, hostTotal_ = 0;
    std::chrono::steady_clock::time_point at_;
};

}  // namespace rampart::metrics
