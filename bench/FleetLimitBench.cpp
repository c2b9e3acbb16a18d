// The fleet-wide global limit against a real redis-server (its address in RAMPART_BENCH_REDIS,
// started by bench/run-benchmarks.sh): what one reservation costs, and what a decision costs once
// leases spread that cost over many requests.
#include <benchmark/benchmark.h>

#include <chrono>
#include <cstdlib>
#include <string>

#include "limits/FleetLimiter.h"
#include "limits/RedisGcra.h"

namespace {

using rampart::limits::FleetLimitConfig;
using rampart::limits::FleetLimiter;
using rampart::limits::GcraParams;
using rampart::limits::RedisEndpoint;
using rampart::limits::RedisGcra;

std::string redisAddress() {
    const char* address = std::getenv("RAMPART_BENCH_REDIS");
    return address ? address : "";
}

int64_t steadyNs() {
    return std::chrono::duration_cast<std::chrono::nanoseconds>(
               std::chrono::steady_clock::now().time_since_epoch())
        .count();
}

// One EVALSHA round trip over loopback: the cost a thread pays once per lease.
void BM_RedisReserve(benchmark::State& state) {
    auto connection = RedisGcra::connect(RedisEndpoint{redisAddress(), "", std::chrono::milliseconds(1000)});
    if (!connection.ok()) {
        state.SkipWithError(std::string(connection.status().message()).c_str());
        return;
    }
    const std::string key = "rampart:bench:reserve:" + std::to_string(state.thread_index());
    for (auto _ : state) {
        // A limit far above the loop's rate: every call grants, the path that writes.
        auto reply = (*connection)->reserve(key, 0.001, 1e9, 1);
        if (!reply.ok() || reply->granted != 1) {
            state.SkipWithError("reservation refused");
            return;
        }
    }
    state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_RedisReserve)->Threads(1)->Threads(2)->UseRealTime()->Unit(benchmark::kMicrosecond);

// Decisions under a fleet limit of the given rate (burst: 1 s of it) with the default 10 ms lease,
// one thread as fast as it can. At 1e9/s every decision is admitted and a lease is 1,000
// requests: the cost of sharing the limit, spread over a lease. At 50,000/s the loop is far over
// the limit: after the burst, refusals are answered locally until Redis's retry-after, then one
// call. redisCallsPer1000 and admittedPercent say which path was measured.
void BM_FleetLimiterTake(benchmark::State& state) {
    FleetLimitConfig config;
    config.redis.address = redisAddress();
    config.key = "rampart:bench:fleet:" + std::to_string(state.range(0));
    FleetLimiter limiter(config);
    const auto rate = static_cast<double>(state.range(0));
    const auto params = GcraParams::of({rate, rate, false});
    int64_t admitted = 0;
    for (auto _ : state) admitted += limiter.take(steadyNs(), params).allowed;
    const auto stats = limiter.stats();
    if (stats.redisErrors > 0) state.SkipWithError(stats.lastError.c_str());
    const auto iterations = static_cast<double>(state.iterations());
    state.SetItemsProcessed(state.iterations());
    state.counters["admittedPercent"] = 100.0 * static_cast<double>(admitted) / iterations;
    state.counters["redisCallsPer1000"] = 1000.0 * static_cast<double>(stats.redisCalls) / iterations;
    state.counters["lease"] = static_cast<double>(limiter.leaseSize(params));
}
BENCHMARK(BM_FleetLimiterTake)->Arg(1'000'000'000)->Arg(50'000)->UseRealTime();

}  // namespace

BENCHMARK_MAIN();
