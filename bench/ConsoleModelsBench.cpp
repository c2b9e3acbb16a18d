// What the console's time-series store costs: one append (a snapshot arriving from a node), and
// the queries a chart refresh makes over a full 60-minute window — the fleet aggregate decimated
// to 1000 points (about a chart's pixel width), one node's series, the worst nodes, the overview
// totals. Fleets: 50 nodes at 1 s and 10 nodes at 100 ms snapshots, the two cases.
// BM_FleetSeries reads settled bins only (no snapshot since the previous query);
// BM_RefreshAfterRound is the steady state of a live chart.
#include <benchmark/benchmark.h>

#include <QString>
#include <algorithm>
#include <memory>
#include <vector>

#include "models/FleetBins.h"
#include "models/TimeSeriesStore.h"

namespace {

using rampart::console::FleetBins;
using rampart::console::TimeSeriesStore;
using Metric = TimeSeriesStore::Metric;
namespace fleet = rampart::fleet;

constexpr qint64 kT0 = 1'700'000'000'000;
constexpr qint64 kWindowMs = 60 * 60 * 1000;

std::vector<QString> nodeNames(int nodes) {
    std::vector<QString> names;
    for (int i = 0; i < nodes; ++i) names.push_back(QStringLiteral("edge-%1").arg(i));
    return names;
}

// A plausible snapshot: traffic and latency vary with time and node so no branch is always taken.
fleet::Snapshot snapshot(int node, qint64 timeMs, uint32_t intervalMs) {
    fleet::Snapshot s;
    s.timeUnixMs = timeMs;
    s.intervalMs = intervalMs;
    const uint64_t base =
        intervalMs * (3 + uint64_t(node % 7)) + uint64_t(timeMs / intervalMs % 13);
    s.interval.allow = base * 9;
    s.interval.invalidToken = base / 20;
    s.interval.rateLimitedIp = base / 10 + uint64_t(node % 3);
    s.interval.rateLimitedUser = base / 30;
    s.p50Us = 150 + node;
    s.p95Us = 600 + double(timeMs % 97);
    s.p99Us = 1500 + double((timeMs / intervalMs + node) % 211) * 10;
    s.processCpuPercent = 20 + node % 50;
    s.rssBytes = 80'000'000 + uint64_t(node) * 1'000'000;
    return s;
}

// A store whose rings are full: the steady state of a console that has run for an hour.
struct FullStore {
    std::unique_ptr<TimeSeriesStore> store = std::make_unique<TimeSeriesStore>();
    std::vector<QString> names;
    qint64 nextMs = 0;
    uint32_t intervalMs = 0;

    FullStore(int nodes, uint32_t interval) : names(nodeNames(nodes)), intervalMs(interval) {
        const qint64 samples = kWindowMs / interval;
        for (qint64 k = 0; k < samples; ++k) append(k);
        nextMs = kT0 + samples * interval;
    }
    void append(qint64 k) {
        for (int n = 0; n < int(names.size()); ++n) {
            // Nodes report at their own phase within the interval.
            const qint64 phase = qint64(n) * 37 % intervalMs;
            store->append(names[size_t(n)], snapshot(n, kT0 + k * intervalMs + phase, intervalMs));
        }
    }
};

FullStore& fullStore(int nodes, uint32_t intervalMs) {
    static std::unique_ptr<FullStore> cached;
    if (!cached || int(cached->names.size()) != nodes || cached->intervalMs != intervalMs) {
        cached = std::make_unique<FullStore>(nodes, intervalMs);
    }
    return *cached;
}

// One append per iteration, cycling through the fleet, into full rings (each overwrites the
// oldest).
void BM_Append(benchmark::State& state) {
    const int nodes = int(state.range(0));
    const auto intervalMs = uint32_t(state.range(1));
    FullStore& full = fullStore(nodes, intervalMs);
    std::vector<fleet::Snapshot> round;
    for (int n = 0; n < nodes; ++n) round.push_back(snapshot(n, 0, intervalMs));
    int n = 0;
    for (auto _ : state) {
        round[size_t(n)].timeUnixMs = full.nextMs + n;
        full.store->append(full.names[size_t(n)], round[size_t(n)]);
        if (++n == nodes) n = 0, full.nextMs += intervalMs;
    }
    state.SetItemsProcessed(state.iterations());
    state.counters["samples_held"] = double(full.store->sampleCount());
}
BENCHMARK(BM_Append)->ArgNames({"nodes", "interval_ms"})->Args({50, 1000})->Args({10, 100});

void BM_FleetSeries(benchmark::State& state) {
    const auto metric = Metric(state.range(2));
    FullStore& full = fullStore(int(state.range(0)), uint32_t(state.range(1)));
    const qint64 to = full.store->latestTimeMs();
    size_t points = 0;
    for (auto _ : state) {
        const auto series = full.store->series({}, metric, to - kWindowMs, to, 1000);
        points = size_t(series.size());
        benchmark::DoNotOptimize(series.constData());
    }
    state.counters["points"] = double(points);
}
BENCHMARK(BM_FleetSeries)
    ->ArgNames({"nodes", "interval_ms", "metric"})
    ->Args({50, 1000, int(Metric::Requests)})
    ->Args({50, 1000, int(Metric::SuccessPercent)})
    ->Args({50, 1000, int(Metric::LatencyP99)})
    ->Args({10, 100, int(Metric::Requests)})
    ->Unit(benchmark::kMicrosecond);

// A chart refresh in steady state: a round of snapshots has arrived since the last one, so the
// bins after the settled ones are recomputed once, then the outcome chart's eight series (allowed
// and the seven denial reasons) are read. Includes the round's appends (see BM_Append).
void BM_RefreshAfterRound(benchmark::State& state) {
    FullStore& full = fullStore(int(state.range(0)), uint32_t(state.range(1)));
    const int nodes = int(full.names.size());
    std::vector<fleet::Snapshot> round;
    for (int n = 0; n < nodes; ++n) round.push_back(snapshot(n, 0, full.intervalMs));
    const Metric outcomes[] = {Metric::Allowed,          Metric::DeniedInvalid,
                               Metric::DeniedExpired,    Metric::DeniedRevoked,
                               Metric::DeniedRateIp,     Metric::DeniedRateUser,
                               Metric::DeniedRateGlobal, Metric::DeniedBlocked};
    for (auto _ : state) {
        for (int n = 0; n < nodes; ++n) {
            round[size_t(n)].timeUnixMs = full.nextMs + qint64(n) * 37 % full.intervalMs;
            full.store->append(full.names[size_t(n)], round[size_t(n)]);
        }
        full.nextMs += full.intervalMs;
        const qint64 to = full.store->latestTimeMs();
        for (Metric m : outcomes) {
            benchmark::DoNotOptimize(
                full.store->series({}, m, to - kWindowMs, to, 1000).constData());
        }
    }
}
BENCHMARK(BM_RefreshAfterRound)
    ->ArgNames({"nodes", "interval_ms"})
    ->Args({50, 1000})
    ->Args({10, 100})
    ->Unit(benchmark::kMicrosecond);

// The fleet bins computed from scratch over the whole window, every channel: what the first
// query costs, and any query after a node is removed or a sample lands in a settled bin.
void BM_FleetBinsFromScratch(benchmark::State& state) {
    const int nodes = int(state.range(0));
    const auto intervalMs = uint32_t(state.range(1));
    const qint64 samples = kWindowMs / intervalMs;
    using Ring = rampart::console::RingBuffer<rampart::console::MetricSample>;
    std::vector<Ring> rings(static_cast<size_t>(nodes));
    std::vector<FleetBins::NodeRing> view;
    for (int n = 0; n < nodes; ++n) {
        auto& ring = rings[size_t(n)];
        ring.reset(size_t(samples));
        for (qint64 k = 0; k < samples; ++k) {
            rampart::console::MetricSample s;
            s.timeMs = kT0 + k * intervalMs + qint64(n) * 37 % intervalMs;
            s.requestsPerSecond = float(100 + n + k % 13);
            s.allowPerSecond = float(90 + n);
            s.p99Us = float(1500 + k % 211);
            ring.push(s);
        }
        view.push_back({&ring, intervalMs});
    }
    const qint64 binMs = std::max<qint64>(1000, intervalMs);
    const qint64 first = kT0 / binMs;
    const qint64 last = (kT0 + kWindowMs) / binMs;
    for (auto _ : state)
        benchmark::DoNotOptimize(FleetBins::compute(view, binMs, first, last).data());
}
BENCHMARK(BM_FleetBinsFromScratch)
    ->ArgNames({"nodes", "interval_ms"})
    ->Args({50, 1000})
    ->Args({10, 100})
    ->Unit(benchmark::kMicrosecond);

void BM_NodeSeries(benchmark::State& state) {
    FullStore& full = fullStore(int(state.range(0)), uint32_t(state.range(1)));
    const qint64 to = full.store->latestTimeMs();
    for (auto _ : state) {
        const auto series =
            full.store->series(full.names[0], Metric::Requests, to - kWindowMs, to, 1000);
        benchmark::DoNotOptimize(series.constData());
    }
}
BENCHMARK(BM_NodeSeries)
    ->ArgNames({"nodes", "interval_ms"})
    ->Args({50, 1000})
    ->Args({10, 100})
    ->Unit(benchmark::kMicrosecond);

void BM_WorstNodes(benchmark::State& state) {
    FullStore& full = fullStore(int(state.range(0)), uint32_t(state.range(1)));
    const qint64 to = full.store->latestTimeMs();
    for (auto _ : state) {
        benchmark::DoNotOptimize(
            full.store->worstNodes(Metric::LatencyP99, to - 5 * 60'000, to, 3));
    }
}
BENCHMARK(BM_WorstNodes)
    ->ArgNames({"nodes", "interval_ms"})
    ->Args({50, 1000})
    ->Unit(benchmark::kMicrosecond);

void BM_LatestTotals(benchmark::State& state) {
    FullStore& full = fullStore(int(state.range(0)), uint32_t(state.range(1)));
    for (auto _ : state) benchmark::DoNotOptimize(full.store->latest());
}
BENCHMARK(BM_LatestTotals)->ArgNames({"nodes", "interval_ms"})->Args({50, 1000})->Args({10, 100});

}  // namespace

BENCHMARK_MAIN();
