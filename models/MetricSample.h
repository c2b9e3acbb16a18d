#pragma once

#include <QtGlobal>
#include <array>

namespace rampart::console {

// One node's snapshot as the console keeps it for charts. Values are floats (6–7 significant
// digits is plenty for a chart) so a sample takes 64 bytes and a full 10-node × 100 ms fleet
// (36,000 samples a node) about 23 MB.
struct MetricSample {
    // Why requests were denied, in the order of deniedPerSecond.
    enum Reason { Invalid, Expired, Revoked, RateIp, RateUser, RateGlobal, Blocked, ReasonCount };

    qint64 timeMs = 0;
    float requestsPerSecond = 0;
    float allowPerSecond = 0;
    std::array<float, ReasonCount> deniedPerSecond{};
    float p50Us = 0, p95Us = 0, p99Us = 0;
    float cpuPercent = 0;  // the agent process's CPU, percent of one core
    float rssBytes = 0;
};

}  // namespace rampart::console
