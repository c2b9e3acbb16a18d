#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string_view>

#include "common/Verdict.h"
#include "jwt/KeyStore.h"
#include "jwt/TokenCache.h"
#include "jwt/Verifier.h"

namespace rampart {

// Seconds since the epoch; injected so tests can move time.
using Clock = std::function<int64_t()>;
Clock systemClock();

struct CheckInput {
    std::string_view token;
    std::string_view clientIp;
    std::string_view route;
};

struct CheckResult {
    Verdict verdict = Verdict::InvalidToken;
    std::string_view detail;  // a fixed phrase; never part of the token
    std::shared_ptr<const jwt::VerifiedClaims> claims;  // set when the token verified
    uint32_t retryAfterMs = 0;
};

struct CheckEngineOptions {
    jwt::VerifierOptions verifier;
    size_t cacheEntries = 100'000;
    // A cached token without exp is re-verified at least this often.
    int64_t cacheMaxTtlSeconds = 300;
};

// The hot path: one check answers "may this request pass?". Thread-safe; one engine per agent.
class CheckEngine {
public:
    CheckEngine(CheckEngineOptions options, const jwt::KeyStore& keys, Clock clock = systemClock());

    // Requires a loaded key set (KeyStore::ready()); the service refuses calls before that.
    CheckResult check(const CheckInput& input);

    // Called after the key set changes: nothing verified with the old keys may be served.
    void forgetVerifiedTokens() { cache_.clear(); }

    size_t cachedTokens() const { return cache_.size(); }

private:
    jwt::Verifier verifier_;
    jwt::TokenCache cache_;
    const jwt::KeyStore& keys_;
    Clock clock_;
    int64_t cacheMaxTtl_;
};

}  // namespace rampart
