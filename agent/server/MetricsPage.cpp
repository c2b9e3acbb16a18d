#include "server/MetricsPage.h"

#include <chrono>

#include "metrics/PrometheusText.h"
#include "metrics/ProcessStats.h"

namespace rampart::server {
namespace {

const double kStartTime = std::chrono::duration<double>(
                              std::chrono::system_clock::now().time_since_epoch())
                              .count();

}  // namespace

std::string renderMetrics(CheckEngine& engine, const jwt::KeyStore& keys,
                          const keys::KeyRefresher* refresher) {
    using metrics::kLatencyBoundsNs;
    metrics::PrometheusText p;
    const auto totals = engine.metrics().totals();

    p.family("rampart_checks_total", "counter", "Checks answered, by verdict.");
    for (int v = 0; v < kVerdictCount; ++v) {
        p.sample("rampart_checks_total", {{"verdict", std::string(verdictName(static_cast<Verdict>(v)))}},
                 static_cast<double>(totals.verdicts[v]));
    }

    p.family("rampart_check_duration_seconds", "histogram",
             "Time to answer a check inside the agent, transport excluded.");
    uint64_t cumulative = 0;
    for (size_t i = 0; i < kLatencyBoundsNs.size(); ++i) {
        cumulative += totals.latencyBuckets[i];
        const bool last = i + 1 == kLatencyBoundsNs.size();
        char le[32];
        std::snprintf(le, sizeof le, "%g", kLatencyBoundsNs[i] / 1e9);
        p.sample("rampart_check_duration_seconds_bucket", {{"le", last ? "+Inf" : le}},
                 static_cast<double>(cumulative));
    }
    p.sample("rampart_check_duration_seconds_sum", totals.latencySumNs / 1e9);
    p.sample("rampart_check_duration_seconds_count", static_cast<double>(cumulative));

    p.family("rampart_token_cache_hits_total", "counter", "Checks answered from the verified-token cache.");
    p.sample("rampart_token_cache_hits_total", static_cast<double>(totals.cacheHits));
    p.family("rampart_token_cache_misses_total", "counter", "Checks that needed a full verification.");
    p.sample("rampart_token_cache_misses_total", static_cast<double>(totals.cacheMisses));
    p.family("rampart_token_cache_entries", "gauge", "Verified tokens currently cached.");
    p.sample("rampart_token_cache_entries", static_cast<double>(engine.cachedTokens()));

    auto& limiter = engine.limiter();
    const auto ip = limiter.ipStats();
    const auto subject = limiter.subjectStats();
    p.family("rampart_limiter_keys", "gauge", "Keys held by a rate limiter (idle ones included until reused).");
    p.sample("rampart_limiter_keys", {{"limit", "ip"}}, static_cast<double>(ip.keys));
    p.sample("rampart_limiter_keys", {{"limit", "subject"}}, static_cast<double>(subject.keys));
    p.family("rampart_limiter_capacity_keys", "gauge", "Most keys a rate limiter will hold.");
    p.sample("rampart_limiter_capacity_keys", {{"limit", "ip"}}, static_cast<double>(ip.capacity));
    p.sample("rampart_limiter_capacity_keys", {{"limit", "subject"}}, static_cast<double>(subject.capacity));
    p.family("rampart_limiter_evictions_total", "counter",
             "Live keys pushed out of a full rate limiter to make room.");
    p.sample("rampart_limiter_evictions_total", {{"limit", "ip"}}, static_cast<double>(ip.evictions));
    p.sample("rampart_limiter_evictions_total", {{"limit", "subject"}}, static_cast<double>(subject.evictions));
    p.family("rampart_limit_shadow_denials_total", "counter",
             "Requests a limit in shadow mode would have denied.");
    const char* kinds[] = {"ip", "subject", "global"};
    for (int i = 0; i < 3; ++i) {
        p.sample("rampart_limit_shadow_denials_total", {{"limit", kinds[i]}},
                 static_cast<double>(totals.shadowDenials[i]));
    }
    if (const auto* fleet = limiter.fleet()) {
        const auto f = fleet->stats();
        p.family("rampart_fleet_limit_redis_up", "gauge",
                 "1 while the fleet-wide global limit reaches Redis; 0 while this agent enforces it alone.");
        p.sample("rampart_fleet_limit_redis_up", f.redisUp ? 1 : 0);
        p.family("rampart_fleet_limit_redis_calls_total", "counter", "Reservations asked of Redis.");
        p.sample("rampart_fleet_limit_redis_calls_total", static_cast<double>(f.redisCalls));
        p.family("rampart_fleet_limit_redis_errors_total", "counter",
                 "Redis connections or calls that failed or timed out.");
        p.sample("rampart_fleet_limit_redis_errors_total", static_cast<double>(f.redisErrors));
        p.family("rampart_fleet_limit_local_decisions_total", "counter",
                 "Global-limit decisions this agent made alone because Redis could not be reached.");
        p.sample("rampart_fleet_limit_local_decisions_total", static_cast<double>(f.localDecisions));
    }
    p.family("rampart_limits_revision", "gauge", "Revision of the limit set in force.");
    p.sample("rampart_limits_revision", static_cast<double>(limiter.current().value->revision));

    const auto& keySet = keys.current().value;
    p.family("rampart_keys_loaded", "gauge", "Verification keys in the current key set.");
    p.sample("rampart_keys_loaded", keySet ? static_cast<double>(keySet->size()) : 0);
    if (refresher) {
        const auto reloads = refresher->stats();
        p.family("rampart_key_reloads_total", "counter", "Key-set loads, by result.");
        p.sample("rampart_key_reloads_total", {{"result", "success"}}, static_cast<double>(reloads.succeeded));
        p.sample("rampart_key_reloads_total", {{"result", "failure"}}, static_cast<double>(reloads.failed));
        p.family("rampart_key_last_success_timestamp_seconds", "gauge",
                 "When the key set was last loaded successfully.");
        p.sample("rampart_key_last_success_timestamp_seconds", static_cast<double>(reloads.lastSuccessUnix));
    }

    const auto process = metrics::readProcessStats();
    p.family("process_cpu_seconds_total", "counter", "User and system CPU time spent.");
    p.sample("process_cpu_seconds_total", process.cpuSeconds);
    p.family("process_resident_memory_bytes", "gauge", "Resident memory size.");
    p.sample("process_resident_memory_bytes", static_cast<double>(process.rssBytes));
    p.family("process_open_fds", "gauge", "Open file descriptors.");
    p.sample("process_open_fds", static_cast<double>(process.openFds));
    p.family("process_start_time_seconds", "gauge", "Start time since the epoch.");
    p.sample("process_start_time_seconds", kStartTime);
    return p.text();
}

}  // namespace rampart::server
