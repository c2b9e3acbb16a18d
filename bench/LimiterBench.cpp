// The cost of a rate-limit decision, alone and with threads sharing the tables, and the memory a
// table of one million keys takes. Keys are hashed in advance so the figures are the table's.
#include <benchmark/benchmark.h>

#include <atomic>
#include <cstdint>
#include <string>
#include <vector>

#include "limits/KeyHash.h"
#include "limits/GlobalLimiter.h"
#include "limits/LimiterTable.h"
#include "limits/RateLimiter.h"

namespace {

using rampart::limits::GcraParams;
using rampart::limits::GlobalLimiter;
using rampart::limits::IpAddress;
using rampart::limits::LimiterTable;
using rampart::limits::LimitSet;
using rampart::limits::RateLimiter;

constexpr size_t kTableKeys = 1'000'000;
constexpr size_t kLiveKeys = 100'000;  // keys in use: a tenth of the table
constexpr int64_t kStepNs = 100;       // the injected clock advances this much per decision

// Where the injected clock stands between runs. Each thread advances its own copy; the next run
// starts where the furthest thread stopped, so state kept from one run is never in the future of
// the next (which would turn every decision into a denial).
std::atomic<int64_t> clockBaseNs{1'000'000'000'000};

class InjectedClock {
public:
    explicit InjectedClock(int64_t stepNs = kStepNs) : now_(clockBaseNs.load()), step_(stepNs) {}
    ~InjectedClock() {
        int64_t seen = clockBaseNs.load();
        while (seen < now_ && !clockBaseNs.compare_exchange_weak(seen, now_)) {
        }
    }
    int64_t next() { return now_ += step_; }

private:
    int64_t now_;
    int64_t step_;
};

const std::vector<uint64_t>& liveKeys() {
    static const std::vector<uint64_t> keys = [] {
        std::vector<uint64_t> k(kLiveKeys);
        for (size_t i = 0; i < k.size(); ++i) k[i] = rampart::limits::mixKey(i);
        return k;
    }();
    return keys;
}

// Visits every live key in a scattered order (a stride coprime with the count), so successive
// decisions land on unrelated cache lines as real traffic would.
size_t nextIndex(size_t i) { return (i + 7'919) % kLiveKeys; }

// With Threads(n), Google Benchmark's Time column is wall time over every thread's iterations (the
// inverse of total throughput). perThreadTime is what one decision costs the thread making it,
// the figure to compare between 1 and 2 threads.
void reportPerThread(benchmark::State& state) {
    state.SetItemsProcessed(state.iterations());
    state.counters["perThreadTime"] =
        benchmark::Counter(static_cast<double>(state.iterations()),
                           benchmark::Counter::kAvgThreadsRate | benchmark::Counter::kInvert);
}

GcraParams typicalParams() { return GcraParams::of({100, 200, false}); }

LimiterTable& sharedTable() {
    static LimiterTable table(kTableKeys);
    return table;
}

void BM_LimiterTableTake(benchmark::State& state) {
    auto& table = sharedTable();
    const auto& keys = liveKeys();
    const auto params = typicalParams();
    size_t i = static_cast<size_t>(state.thread_index()) * (kLiveKeys / 7);
    InjectedClock clock;
    for (auto _ : state) {
        benchmark::DoNotOptimize(table.take(keys[i], clock.next(), params));
        i = nextIndex(i);
    }
    reportPerThread(state);
    if (state.thread_index() == 0) {
        const auto stats = table.stats();
        state.counters["keys"] = static_cast<double>(stats.keys);
        state.counters["evictions"] = static_cast<double>(stats.evictions);
    }
}
BENCHMARK(BM_LimiterTableTake)->Threads(1)->Threads(2)->UseRealTime();

// One decision at a time: the next key depends on the last answer, so the CPU cannot overlap
// one decision's cache miss with the next as it does in the tight loop above. This is closer to
// a decision made between a request's other work, where the table's slot is rarely in cache.
void takeDependent(benchmark::State& state, LimiterTable& table, size_t first) {
    const auto& keys = liveKeys();
    const auto params = typicalParams();
    size_t i = first;
    InjectedClock clock;
    for (auto _ : state) {
        const auto decision = table.take(keys[i], clock.next(), params);
        // Always zero (a TAT is positive), but only known once the decision is made.
        i = nextIndex(i) + static_cast<size_t>(static_cast<uint64_t>(decision.newTat) >> 63);
    }
    reportPerThread(state);
}

void BM_LimiterTableTakeDependent(benchmark::State& state) {
    takeDependent(state, sharedTable(), static_cast<size_t>(state.thread_index()) * (kLiveKeys / 7));
}
BENCHMARK(BM_LimiterTableTakeDependent)->Threads(1)->Threads(2)->UseRealTime();

// Its control: the same dependent decisions with a table per thread. Two threads waiting on
// memory at once share the memory system; what they lose here is not the table's.
void BM_LimiterTableTakeDependentPrivateTable(benchmark::State& state) {
    static LimiterTable first(kTableKeys), second(kTableKeys);
    takeDependent(state, state.thread_index() % 2 == 0 ? first : second, 0);
}
BENCHMARK(BM_LimiterTableTakeDependentPrivateTable)->Threads(1)->Threads(2)->UseRealTime();

// Between the two: each thread has its own half of the keys, so only the table is shared, never
// a slot. The difference from the private-table figure is what sharing the table costs.
void BM_LimiterTableTakeDisjointKeys(benchmark::State& state) {
    auto& table = sharedTable();
    const auto& keys = liveKeys();
    const auto params = typicalParams();
    const size_t half = kLiveKeys / 2;
    const size_t base = static_cast<size_t>(state.thread_index() % 2) * half;
    size_t i = 0;
    InjectedClock clock;
    for (auto _ : state) {
        benchmark::DoNotOptimize(table.take(keys[base + i], clock.next(), params));
        i = (i + 7'919) % half;
    }
    reportPerThread(state);
}
BENCHMARK(BM_LimiterTableTakeDisjointKeys)->Threads(1)->Threads(2)->UseRealTime();

// The control for the figure above: the same work with a table per thread, nothing shared. What
// two threads lose here is the machine's (cores, caches, other load), not the table's.
void BM_LimiterTableTakePrivateTable(benchmark::State& state) {
    static LimiterTable first(kTableKeys), second(kTableKeys);
    auto& table = state.thread_index() % 2 == 0 ? first : second;
    const auto& keys = liveKeys();
    const auto params = typicalParams();
    size_t i = 0;
    InjectedClock clock;
    for (auto _ : state) {
        benchmark::DoNotOptimize(table.take(keys[i], clock.next(), params));
        i = nextIndex(i);
    }
    reportPerThread(state);
}
BENCHMARK(BM_LimiterTableTakePrivateTable)->Threads(1)->Threads(2)->UseRealTime();

// The argument is the limit's rate per second, with a burst of 10 s of it. Every decision is an
// admission, the case that writes (a global limit under normal load): each thread's injected
// clock offers half the rate, so two threads together offer all of it, and the tolerance outruns
// any drift between the threads' clocks. A lease is a millisecond of the rate, at most 256
// requests: 20 at 20,000/s, 256 at 10 M/s.
void BM_GlobalLimiterTake(benchmark::State& state) {
    static GlobalLimiter global;
    const auto rate = static_cast<double>(state.range(0));
    const auto params = GcraParams::of({rate, rate * 10, false});
    InjectedClock clock(2 * params.emissionNs);
    for (auto _ : state) benchmark::DoNotOptimize(global.take(clock.next(), params));
    reportPerThread(state);
    state.counters["lease"] = benchmark::Counter(
        static_cast<double>(GlobalLimiter::leaseSize(params)), benchmark::Counter::kAvgThreads);
}
BENCHMARK(BM_GlobalLimiterTake)
    ->Arg(20'000)
    ->Arg(10'000'000)
    ->Threads(1)
    ->Threads(2)
    ->UseRealTime();

// The per-request client stage as the engine runs it: parse the address text, check the block and
// allow lists, take from the per-IP table.
void BM_AdmitClientFromText(benchmark::State& state) {
    static RateLimiter limiter(kTableKeys);
    static const bool published = [] {
        LimitSet limits;
        limits.perIp = {100, 200, false};
        limits.blocklist =
            rampart::limits::CidrList({*rampart::limits::Cidr::parse("198.51.100.0/24")});
        limits.allowlist = rampart::limits::CidrList({*rampart::limits::Cidr::parse("10.0.0.0/8")});
        limiter.publish(limits);
        return true;
    }();
    benchmark::DoNotOptimize(published);
    static const std::vector<std::string> addresses = [] {
        std::vector<std::string> a(kLiveKeys);
        for (size_t i = 0; i < a.size(); ++i) {
            a[i] = std::to_string(100 + i % 100) + "." + std::to_string(i / 100 % 256) + "." +
                   std::to_string(i / 25'600 % 256) + "." + std::to_string(1 + i % 254);
        }
        return a;
    }();
    size_t i = static_cast<size_t>(state.thread_index()) * (kLiveKeys / 7);
    InjectedClock clock;
    for (auto _ : state) {
        const auto& limits = *limiter.current().value;
        const auto ip = IpAddress::parse(addresses[i]);
        bool allowlisted = false;
        benchmark::DoNotOptimize(
            limiter.admitClient(limits, ip ? &*ip : nullptr, allowlisted, clock.next()));
        i = nextIndex(i);
    }
    reportPerThread(state);
}
BENCHMARK(BM_AdmitClientFromText)->Threads(1)->Threads(2)->UseRealTime();

void BM_IpAddressParse(benchmark::State& state) {
    const std::string v4 = "203.0.113.217", v6 = "2001:db8:85a3::8a2e:370:7334";
    bool flip = false;
    for (auto _ : state) {
        benchmark::DoNotOptimize(IpAddress::parse(flip ? v4 : v6));
        flip = !flip;
    }
    state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_IpAddressParse);

// Memory at one million live keys: a table sized for max_keys (the argument) filled with a
// million distinct keys at one instant, so none is idle. The table is preallocated, so its size
// does not depend on the fill; how many of the million it kept (the rest evicted) does.
void BM_MemoryAtOneMillionKeys(benchmark::State& state) {
    constexpr uint64_t kFill = 1'000'000;
    for (auto _ : state) {
        LimiterTable table(static_cast<size_t>(state.range(0)));
        const auto params = typicalParams();
        const int64_t now = 1'000'000'000'000;
        for (uint64_t k = 0; k < kFill; ++k) table.take(rampart::limits::mixKey(k), now, params);
        const auto stats = table.stats();
        state.counters["memoryBytes"] = static_cast<double>(stats.memoryBytes);
        state.counters["memoryMiB"] = static_cast<double>(stats.memoryBytes) / (1 << 20);
        state.counters["bytesPerKey"] =
            static_cast<double>(stats.memoryBytes) / static_cast<double>(kFill);
        state.counters["capacity"] = static_cast<double>(stats.capacity);
        state.counters["keysHeld"] = static_cast<double>(stats.keys);
        state.counters["evictions"] = static_cast<double>(stats.evictions);
    }
}
BENCHMARK(BM_MemoryAtOneMillionKeys)
    ->Arg(1'000'000)
    ->Arg(2'000'000)
    ->Iterations(1)
    ->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
