#include "load/Recorder.h"

#include <algorithm>
#include <cmath>

namespace rampart::load {
namespace {

constexpr double kGrowth = 1.02;

int bucketOf(double us) {
    if (us <= 1) return 0;
    return std::min(Recorder::kBuckets - 1,
                    static_cast<int>(std::log(us) / std::log(kGrowth)) + 1);
}

double upperBoundOf(int bucket) { return bucket == 0 ? 1 : std::pow(kGrowth, bucket); }

}  // namespace

const char* verdictLabel(int verdict) {
    static const char* kNames[] = {"UNSPECIFIED",     "ALLOW",          "INVALID_TOKEN",
                                   "EXPIRED",         "REVOKED",        "RATE_LIMITED_IP",
                                   "RATE_LIMITED_USER", "RATE_LIMITED_GLOBAL", "BLOCKED"};
    return verdict >= 0 && verdict < Recorder::kVerdicts ? kNames[verdict] : "UNKNOWN";
}

void Recorder::Counts::add(double us) {
    ++buckets[bucketOf(us)];
    max = std::max(max, us);
}

void Recorder::record(int verdict, double latencyUs) {
    const int v = std::clamp(verdict, 0, kVerdicts - 1);
    absl::MutexLock lock(&mutex_);
    for (Counts* c : {&total_, &interval_}) {
        c->add(latencyUs);
        ++c->verdicts[v];
        ++c->completed;
    }
}

void Recorder::error(double latencyUs) {
    absl::MutexLock lock(&mutex_);
    for (Counts* c : {&total_, &interval_}) {
        c->add(latencyUs);
        ++c->errors;
        ++c->completed;
    }
}

void Recorder::dropped() {
    absl::MutexLock lock(&mutex_);
    ++total_.dropped;
    ++interval_.dropped;
}

Recorder::Summary Recorder::summarize(const Counts& c) {
    Summary s;
    s.completed = c.completed;
    s.errors = c.errors;
    s.dropped = c.dropped;
    s.verdicts = c.verdicts;
    s.max = c.max;
    uint64_t total = 0;
    for (auto b : c.buckets) total += b;
    const auto at = [&](double q) {
        if (total == 0) return 0.0;
        const auto rank = static_cast<uint64_t>(std::ceil(q * static_cast<double>(total)));
        uint64_t seen = 0;
        for (int i = 0; i < kBuckets; ++i) {
            seen += c.buckets[i];
            if (seen >= rank) return std::min(upperBoundOf(i), c.max);
        }
        return c.max;
    };
    s.p50 = at(0.5);
    s.p90 = at(0.9);
    s.p99 = at(0.99);
    s.p999 = at(0.999);
    return s;
}

Recorder::Summary Recorder::summary() const {
    absl::MutexLock lock(&mutex_);
    return summarize(total_);
}

Recorder::Summary Recorder::takeInterval() {
    absl::MutexLock lock(&mutex_);
    auto s = summarize(interval_);
    interval_ = Counts{};
    return s;
}

}  // namespace rampart::load
