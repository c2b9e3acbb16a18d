#pragma once

#include <chrono>
#include <cstdint>

#include "control/ControlPlane.h"
#include "engine/CheckEngine.h"
#include "metrics/CpuMeter.h"
#include "rampart/v1/control.pb.h"

namespace rampart::control {

// Builds the snapshots of one Watch call: counts since this watcher's previous snapshot and
// since start, latency of the interval, CPU over the interval, the top offenders.
class SnapshotBuilder {
public:
    SnapshotBuilder(CheckEngine& engine, const ControlPlane& control);

    void next(v1::Snapshot& out);

private:
    CheckEngine& engine_;
    const ControlPlane& control_;
    metrics::CheckTotals previous_;
    metrics::CpuMeter cpu_;
    std::chrono::steady_clock::time_point previousAt_;
    uint64_t sequence_ = 0;
};

void fillVerdictCounts(const std::array<uint64_t, kVerdictCount>& counts, v1::VerdictCounts& out);

}  // namespace rampart::control
