#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "absl/synchronization/mutex.h"

namespace rampart::load {

// Latencies in log-spaced buckets (about 2 % wide from 1 µs to minutes), so memory stays fixed
// however long the run; plus counts by verdict and errors. Thread-safe.
class Recorder {
public:
    static constexpr int kVerdicts = 9;  // rampart.v1.Verdict values 0..8
    static constexpr int kBuckets = 1200;

    void record(int verdict, double latencyUs);
    void error(double latencyUs);
    void dropped();  // due but never sent: the target fell too far behind

    struct Summary {
        uint64_t completed = 0;
        uint64_t errors = 0;
        uint64_t dropped = 0;
        std::array<uint64_t, kVerdicts> verdicts{};
        double p50 = 0, p90 = 0, p99 = 0, p999 = 0, max = 0;
    };
    Summary summary() const;
    // Summary of what was recorded since the previous call (for the live progress line).
    Summary takeInterval();

private:
    struct Counts {
        std::array<uint64_t, kBuckets> buckets{};
        std::array<uint64_t, kVerdicts> verdicts{};
        uint64_t completed = 0, errors = 0, dropped = 0;
        double max = 0;
        void add(double us);
    };
    static Summary summarize(const Counts& c);

    mutable absl::Mutex mutex_;
    Counts total_ ABSL_GUARDED_BY(mutex_);
    Counts interval_ ABSL_GUARDED_BY(mutex_);
};

const char* verdictLabel(int verdict);

}  // namespace rampart::load
