#include "load/Runner.h"

#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <random>
#include <thread>

namespace rampart::load {
namespace {

using Clock = std::chrono::steady_clock;

void printProgress(std::ostream& out, double t, double offeredRate, double sentRate,
                   const Recorder::Summary& s, size_t inFlight, bool tty) {
    const double answered = static_cast<double>(s.completed);
    const double allowShare = s.completed ? 100.0 * s.verdicts[1] / answered : 0;
    char line[256];
    std::snprintf(line, sizeof line,
                  "%s[%6.1fs] offered %8.0f/s  sent %8.0f/s  answered %8.0f/s  allow %5.1f%%  "
                  "p99 %8.0fus  in-flight %6zu  errors %llu  dropped %llu%s",
                  tty ? "\r" : "", t, offeredRate, sentRate, answered, allowShare, s.p99, inFlight,
                  static_cast<unsigned long long>(s.errors),
                  static_cast<unsigned long long>(s.dropped), tty ? "" : "\n");
    out << line << std::flush;
}

}  // namespace

RunResult run(const RunOptions& options, const TrafficMix& mix, Driver& driver,
              Recorder& recorder, std::ostream& progress) {
    const bool tty = isatty(STDERR_FILENO);
    const double duration = options.profile.durationSeconds();
    const uint64_t total = std::min<uint64_t>(
        options.maxRequests, static_cast<uint64_t>(std::floor(options.profile.totalRequests())));
    std::mt19937_64 rng(options.seed);

    const auto start = Clock::now();
    auto nextReport = start + std::chrono::seconds(1);
    uint64_t sentAtLastReport = 0;
    RunResult result;
    // Walk the schedule: time t advances in small steps; request i is due at the moment the
    // profile's integral passes i (linear interpolation inside a step).
    constexpr double kStep = 0.0005;
    double t = 0, dueAtT = 0;
    for (uint64_t i = 0; i < total; ++i) {
        while (dueAtT < static_cast<double>(i + 1) && t < duration) {
            t += kStep;
            dueAtT = options.profile.dueBy(t);
        }
        const double before = options.profile.dueBy(t - kStep);
        const double fraction = dueAtT > before ? (static_cast<double>(i + 1) - before) / (dueAtT - before) : 1;
        const auto due = start + std::chrono::duration_cast<Clock::duration>(
                                     std::chrono::duration<double>(t - kStep + fraction * kStep));
        // Sleep only when the next request is far enough ahead to be worth a system call.
        if (due - Clock::now() > std::chrono::microseconds(200)) std::this_thread::sleep_until(due);

        if (driver.inFlight() >= options.maxInFlight) {
            recorder.dropped();
        } else {
            driver.send(mix.draw(rng), due);
            ++result.sent;
        }
        if (options.progress && Clock::now() >= nextReport) {
            const double elapsed = std::chrono::duration<double>(Clock::now() - start).count();
            printProgress(progress, elapsed, options.profile.rateAt(elapsed),
                          static_cast<double>(result.sent - sentAtLastReport),
                          recorder.takeInterval(), driver.inFlight(), tty);
            sentAtLastReport = result.sent;
            nextReport += std::chrono::seconds(1);
        }
    }
    driver.finish(Clock::now() + std::chrono::seconds(5));
    if (options.progress && tty) progress << "\n";
    result.seconds = std::chrono::duration<double>(Clock::now() - start).count();
    result.offered = static_cast<double>(total);
    result.summary = recorder.summary();
    return result;
}

}  // namespace rampart::load
