#include "control/SnapshotBuilder.h"

#include <algorithm>
#include <thread>

#include "common/Utf8.h"
#include "metrics/ProcessStats.h"

namespace rampart::control {

void fillVerdictCounts(const std::array<uint64_t, kVerdictCount>& c, v1::VerdictCounts& out) {
    out.set_allow(c[static_cast<int>(Verdict::Allow)]);
    out.set_invalid_token(c[static_cast<int>(Verdict::InvalidToken)]);
    out.set_expired(c[static_cast<int>(Verdict::Expired)]);
    out.set_revoked(c[static_cast<int>(Verdict::Revoked)]);
    out.set_rate_limited_ip(c[static_cast<int>(Verdict::RateLimitedIp)]);
    out.set_rate_limited_user(c[static_cast<int>(Verdict::RateLimitedUser)]);
    out.set_rate_limited_global(c[static_cast<int>(Verdict::RateLimitedGlobal)]);
    out.set_blocked(c[static_cast<int>(Verdict::Blocked)]);
}

SnapshotBuilder::SnapshotBuilder(CheckEngine& engine, const ControlPlane& control)
    : engine_(engine),
      control_(control),
      previous_(engine.metrics().totals()),
      previousAt_(std::chrono::steady_clock::now()) {}

void SnapshotBuilder::next(v1::Snapshot& out) {
    const auto totals = engine_.metrics().totals();
    const auto now = std::chrono::steady_clock::now();
    const auto elapsed = std::chrono::duration_cast<std::chrono::milliseconds>(now - previousAt_);

    out.set_sequence(++sequence_);
    out.set_time_unix_ms(std::chrono::duration_cast<std::chrono::milliseconds>(
                             std::chrono::system_clock::now().time_since_epoch())
                             .count());
    out.set_interval_ms(static_cast<uint32_t>(elapsed.count()));

    std::array<uint64_t, kVerdictCount> delta{};
    for (int v = 0; v < kVerdictCount; ++v) delta[v] = totals.verdicts[v] - previous_.verdicts[v];
    fillVerdictCounts(delta, *out.mutable_interval());
    fillVerdictCounts(totals.verdicts, *out.mutable_total());

    std::array<uint64_t, metrics::kLatencyBoundsNs.size()> buckets{};
    auto* latency = out.mutable_latency();
    for (size_t i = 0; i < buckets.size(); ++i) {
        buckets[i] = totals.latencyBuckets[i] - previous_.latencyBuckets[i];
        latency->add_bucket_bounds_us(
            i + 1 == buckets.size() ? 0 : static_cast<double>(metrics::kLatencyBoundsNs[i]) / 1000);
        latency->add_bucket_counts(buckets[i]);
    }
    latency->set_p50_us(metrics::latencyQuantileNs(buckets, 0.5) / 1000);
    latency->set_p90_us(metrics::latencyQuantileNs(buckets, 0.9) / 1000);
    latency->set_p95_us(metrics::latencyQuantileNs(buckets, 0.95) / 1000);
    latency->set_p99_us(metrics::latencyQuantileNs(buckets, 0.99) / 1000);
    latency->set_p999_us(metrics::latencyQuantileNs(buckets, 0.999) / 1000);

    const auto cpu = cpu_.sample();
    out.set_process_cpu_percent(cpu.processPercent);
    out.set_host_cpu_percent(cpu.hostPercent);
    out.set_rss_bytes(metrics::readProcessStats().rssBytes);
    out.set_cores(std::thread::hardware_concurrency());
    const uint64_t hits = totals.cacheHits - previous_.cacheHits;
    const uint64_t misses = totals.cacheMisses - previous_.cacheMisses;
    out.set_cache_hit_ratio(
        hits + misses ? static_cast<double>(hits) / static_cast<double>(hits + misses) : 0);
    out.set_limiter_keys(engine_.limiter().ipStats().keys + engine_.limiter().subjectStats().keys);
    out.set_limits_revision(engine_.limiter().current().value->revision);

    // The sketch has one-second resolution: the interval rounded up, plus the previous whole
    // second, since the current second has only just begun right after a boundary.
    const int window = static_cast<int>(std::max<int64_t>(1, (elapsed.count() + 999) / 1000)) + 1;
    const int64_t nowUnix = engine_.nowUnix();
    // Keys are what data-plane callers sent (any bytes in client_ip, a subject cut at 64
    // bytes): one invalid byte would make the whole snapshot unreadable to every Watch client.
    for (const auto& e : engine_.deniedClients().top(10, window, nowUnix)) {
        auto* o = out.add_top_client_ips();
        o->set_key(common::toValidUtf8(e.key));
        o->set_denials(e.count);
    }
    for (const auto& e : engine_.deniedSubjects().top(10, window, nowUnix)) {
        auto* o = out.add_top_subjects();
        o->set_key(common::toValidUtf8(e.key));
        o->set_denials(e.count);
    }
    const auto scale = control_.cachedScaleStatus();
    out.set_scale_current(scale.current);
    out.set_scale_recommended(scale.recommended);

    previous_ = totals;
    previousAt_ = now;
}

}  // namespace rampart::control
