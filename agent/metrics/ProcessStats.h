#pragma once

#include <cstdint>

namespace rampart::metrics {

struct ProcessStats {
    double cpuSeconds = 0;  // user + system, since start
    uint64_t rssBytes = 0;
    int openFds = 0;
};

ProcessStats readProcessStats();

}  // namespace rampart::metrics
