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

CheckEngine::CheckEngine(CheckEngineOptions options, const jwt::KeyStore& keys, Clock clock)
    : verifier_(std::move(options.verifier)),
      cache_(options.cacheEntries),
      keys_(keys),
      clock_(std::move(clock)),
      cacheMaxTtl_(options.cacheMaxTtlSeconds) {}

CheckResult CheckEngine::check(const CheckInput& input) {
    const auto& snapshot = keys_.current();
    if (!snapshot.keys) return {Verdict::InvalidToken, "no key set loaded", nullptr, 0};
    // The size gate comes before hashing too: an oversized token costs nothing.
    if (input.token.size() > verifier_.options().maxTokenBytes) {
        return {Verdict::InvalidToken, "token exceeds the size limit", nullptr, 0};
    }
    const int64_t now = clock_();
    const auto digest = jwt::digestToken(input.token);
    if (auto claims = cache_.find(digest, now, snapshot.generation)) {
        return {Verdict::Allow, "ok", std::move(claims), 0};
    }

    auto outcome = verifier_.verify(input.token, *snapshot.keys, now);
    if (outcome.verdict != Verdict::Allow) return {outcome.verdict, outcome.detail, nullptr, 0};

    auto claims = std::make_shared<const jwt::VerifiedClaims>(std::move(outcome.claims));
    // Never beyond exp itself (the leeway is for clocks, not for caching), and never longer
    // than the configured ceiling for tokens that do not expire.
    int64_t validUntil = now + cacheMaxTtl_;
    if (claims->expiresAt != 0) validUntil = std::min(validUntil, claims->expiresAt);
    if (validUntil > now) cache_.insert(digest, claims, validUntil, snapshot.generation);
    return {Verdict::Allow, "ok", std::move(claims), 0};
}

}  // namespace rampart
