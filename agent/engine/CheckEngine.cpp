#include "engine/CheckEngine.h"

#include <algorithm>
#include <chrono>

namespace rampart {

Clock systemClock() {
    return [] {
        return std::chrono::duration_cast<std::chrono::seconds>(
                   std::chrono::system_clock::now().time_since_epoch())
            .count();
    };
}

MonotonicClock steadyClock() {
    return [] {
        return std::chrono::duration_cast<std::chrono::nanoseconds>(
                   std::chrono::steady_clock::now().time_since_epoch())
            .count();
    };
}

CheckEngine::CheckEngine(CheckEngineOptions options, const jwt::KeyStore& keys, Clock clock,
                         MonotonicClock monotonic)
    : verifier_(std::move(options.verifier)),
      cache_(options.cacheEntries),
      keys_(keys),
      clock_(std::move(clock)),
      monotonic_(std::move(monotonic)),
      cacheMaxTtl_(options.cacheMaxTtlSeconds),
      limiter_(options.maxLimiterKeys,
               options.fleetLimit ? std::make_unique<limits::FleetLimiter>(*options.fleetLimit)
                                  : nullptr) {
    limiter_.publish(std::move(options.limits));
}

CheckResult CheckEngine::check(const CheckInput& input) {
    const int64_t startNs = monotonic_();
    const int64_t nowUnix = clock_();
    auto& counters = metrics_.local();
    std::string_view subject;
    const auto ip = limits::parseClientAddress(input.clientIp);
    const auto finish = [&](CheckResult result) {
        metrics_.recordCheck(result.verdict, monotonic_() - startNs);
        if (result.verdict != Verdict::Allow) {
            // The address in one spelling, so "1.2.3.4:80" and "1.2.3.4" are one offender, and
            // nothing but an address's characters reaches the offenders list.
            if (ip) deniedClients_.record(ip->toString(), nowUnix);
            deniedSubjects_.record(subject, nowUnix);
        }
        return result;
    };
    const auto deny = [&](const limits::Admission& a, std::string_view detail) {
        return finish({a.verdict, detail, nullptr, a.retryAfterMs});
    };
    const auto countShadow = [&](const limits::Admission& a) {
        for (int kind = 0; kind < limits::kLimitKinds; ++kind) {
            if (a.shadowDenied & (1u << kind)) {
                metrics::CheckMetrics::bump(counters.shadowDenials[kind]);
            }
        }
    };

    const auto& limits = *limiter_.current().value;
    const auto& rules = rules_.current();
    // Fail closed: a client address that does not parse would escape its blocks and limits.
    // The transports refuse it as bad input first; this covers any that passes one through.
    if (!ip && !input.clientIp.empty()) {
        return finish({Verdict::Blocked, "client address is not an IP address", nullptr, 0});
    }
    if (ip && !rules.clients.empty() &&
        control::OperatorRules::clientBlocked(rules, *ip, nowUnix)) {
        return finish({Verdict::Blocked, "client address is blocked", nullptr, 0});
    }
    bool allowlisted = false;
    const auto client = limiter_.admitClient(limits, ip ? &*ip : nullptr, allowlisted, startNs);
    countShadow(client);
    if (client.denied) {
        return deny(client, client.verdict == Verdict::Blocked
                                ? "client address is blocked"
                                : "client address over its rate limit");
    }

    CheckResult result = validate(input.token, nowUnix);
    if (result.verdict != Verdict::Allow) return finish(std::move(result));
    const auto& claims = *result.claims;
    subject = claims.subject;
    if (!rules.empty()) {
        if (control::OperatorRules::subjectBlocked(rules, claims.subject, nowUnix)) {
            return finish({Verdict::Blocked, "subject is blocked", std::move(result.claims), 0});
        }
        if (control::OperatorRules::revoked(rules, claims.subject, claims.jwtId, nowUnix)) {
            return finish(
                {Verdict::Revoked, "token has been revoked", std::move(result.claims), 0});
        }
    }

    const auto admitted = limiter_.admitSubject(limits, claims.subject, allowlisted, startNs);
    countShadow(admitted);
    if (admitted.denied) {
        CheckResult denied{admitted.verdict,
                           admitted.verdict == Verdict::RateLimitedUser
                               ? "subject over its rate limit"
                               : "global rate limit reached",
                           std::move(result.claims), admitted.retryAfterMs};
        return finish(std::move(denied));
    }
    return finish(std::move(result));
}

CheckResult CheckEngine::validate(std::string_view token, int64_t now) {
    const auto& snapshot = keys_.current();
    if (!snapshot.value) return {Verdict::InvalidToken, "no key set loaded", nullptr, 0};
    // The size gate comes before hashing too: an oversized token costs nothing.
    if (token.size() > verifier_.options().maxTokenBytes) {
        return {Verdict::InvalidToken, "token exceeds the size limit", nullptr, 0};
    }
    auto& counters = metrics_.local();
    const auto digest = jwt::digestToken(token);
    if (auto claims = cache_.find(digest, now, snapshot.version)) {
        metrics::CheckMetrics::bump(counters.cacheHits);
        return {Verdict::Allow, "ok", std::move(claims), 0};
    }
    metrics::CheckMetrics::bump(counters.cacheMisses);

    auto outcome = verifier_.verify(token, *snapshot.value, now);
    if (outcome.verdict != Verdict::Allow) return {outcome.verdict, outcome.detail, nullptr, 0};

    auto claims = std::make_shared<const jwt::VerifiedClaims>(std::move(outcome.claims));
    // Never beyond exp itself (the leeway is for clocks, not for caching), and never longer
    // than the configured ceiling for tokens that do not expire.
    int64_t validUntil = now + cacheMaxTtl_;
    if (claims->expiresAt != 0) validUntil = std::min(validUntil, claims->expiresAt);
    if (validUntil > now) cache_.insert(digest, claims, validUntil, snapshot.version);
    return {Verdict::Allow, "ok", std::move(claims), 0};
}

}  // namespace rampart
