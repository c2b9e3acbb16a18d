#include "rpc/client/FleetConvert.h"

namespace rampart::rpc {
namespace {

fleet::VerdictCounts counts(const v1::VerdictCounts& c) {
    return {c.allow(),           c.invalid_token(),     c.expired(),
            c.revoked(),         c.rate_limited_ip(),   c.rate_limited_user(),
            c.rate_limited_global(), c.blocked()};
}

fleet::LimitRule rule(const v1::LimitRule& r) { return {r.rate(), r.burst(), r.shadow()}; }

void rule(const fleet::LimitRule& in, v1::LimitRule& out) {
    out.set_rate(in.rate);
    out.set_burst(in.burst);
    out.set_shadow(in.shadow);
}

}  // namespace

fleet::Snapshot fromWire(const v1::Snapshot& in) {
    fleet::Snapshot s;
    s.sequence = in.sequence();
    s.timeUnixMs = in.time_unix_ms();
    s.intervalMs = in.interval_ms();
    s.interval = counts(in.interval());
    s.total = counts(in.total());
    s.p50Us = in.latency().p50_us();
    s.p90Us = in.latency().p90_us();
    s.p95Us = in.latency().p95_us();
    s.p99Us = in.latency().p99_us();
    s.p999Us = in.latency().p999_us();
    s.processCpuPercent = in.process_cpu_percent();
    s.hostCpuPercent = in.host_cpu_percent();
    s.rssBytes = in.rss_bytes();
    s.cacheHitRatio = in.cache_hit_ratio();
    s.limiterKeys = in.limiter_keys();
    s.limitsRevision = in.limits_revision();
    for (const auto& o : in.top_client_ips()) s.topClientIps.push_back({o.key(), o.denials()});
    for (const auto& o : in.top_subjects()) s.topSubjects.push_back({o.key(), o.denials()});
    s.scaleCurrent = in.scale_current();
    s.scaleRecommended = in.scale_recommended();
    s.cores = in.cores();
    return s;
}

fleet::Limits fromWire(const v1::Limits& in) {
    fleet::Limits l;
    l.perIp = rule(in.per_ip());
    l.perSubject = rule(in.per_subject());
    l.global = rule(in.global());
    l.ipv6Prefix = in.ipv6_prefix();
    l.blocklist.assign(in.blocklist().begin(), in.blocklist().end());
    l.allowlist.assign(in.allowlist().begin(), in.allowlist().end());
    l.revision = in.revision();
    return l;
}

fleet::ScaleStatus fromWire(const v1::ScaleStatus& in) {
    return {in.backend(), in.current(), in.desired(), in.recommendation().replicas(),
            in.recommendation().observed_cpu_percent(), in.recommendation().target_cpu_percent(),
            in.last_result()};
}

fleet::NodeInfo fromWire(const v1::NodeInfo& in) {
    fleet::NodeInfo n;
    n.nodeId = in.node_id();
    n.hostname = in.hostname();
    n.version = in.version();
    n.startTimeUnix = in.start_time_unix();
    n.callerIdentity = in.caller_identity();
    n.callerRole = in.caller_role();
    for (const auto& k : in.key_set().keys()) n.keys.push_back(k.kid() + ":" + k.algorithm());
    n.scale = fromWire(in.scale());
    return n;
}

void toWire(const fleet::Limits& in, v1::Limits& out) {
    rule(in.perIp, *out.mutable_per_ip());
    rule(in.perSubject, *out.mutable_per_subject());
    rule(in.global, *out.mutable_global());
    out.set_ipv6_prefix(in.ipv6Prefix);
    for (const auto& b : in.blocklist) out.add_blocklist(b);
    for (const auto& a : in.allowlist) out.add_allowlist(a);
    out.set_revision(in.revision);
}

}  // namespace rampart::rpc
