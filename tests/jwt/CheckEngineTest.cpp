#include <gtest/gtest.h>

#include <atomic>
#include <string>

#include "engine/CheckEngine.h"
#include "jwt/JwksParser.h"
#include "jwt/SigningKey.h"

namespace rampart {
namespace {

using jwt::Algorithm;
using jwt::SigningKey;

constexpr int64_t kStart = 1'700'000'000;

std::string num(int64_t value) { return std::to_string(value); }

SigningKey generated(Algorithm alg, const std::string& kid) {
    auto key = SigningKey::generate(alg, kid);
    if (!key.ok()) throw std::runtime_error(std::string(key.status().message()));
    return std::move(*key);
}

std::shared_ptr<const jwt::KeySet> keySetOf(std::initializer_list<std::string> jwks) {
    auto parsed = jwt::parseJwks(jwt::jwksOf(jwks), {});
    if (!parsed.ok()) throw std::runtime_error(std::string(parsed.status().message()));
    return parsed->keys;
}

class CheckEngineTest : public ::testing::Test {
protected:
    static const SigningKey& first() {
        static const SigningKey key = generated(Algorithm::ES256, "first");
        return key;
    }
    static const SigningKey& second() {
        static const SigningKey key = generated(Algorithm::ES256, "second");
        return key;
    }

    void SetUp() override { keys.replace(keySetOf({first().publicJwk(), second().publicJwk()})); }

    CheckEngine makeEngine(CheckEngineOptions options = {}) {
        return CheckEngine(std::move(options), keys, [this] { return now.load(); });
    }

    static CheckResult check(CheckEngine& engine, const std::string& token) {
        return engine.check(CheckInput{token, "192.0.2.1", "/api"});
    }

    static std::string tokenExpiringAt(const SigningKey& key, int64_t exp) {
        return key.mint("{\"sub\":\"alice\",\"exp\":" + num(exp) + "}");
    }

    jwt::KeyStore keys;
    std::atomic<int64_t> now{kStart};
};

#define EXPECT_VERDICT(result, expected) \
    EXPECT_EQ(verdictName((result).verdict), verdictName(expected)) << (result).detail

TEST_F(CheckEngineTest, allowsValidTokenThenServesItFromTheCache) {
    auto engine = makeEngine();
    const std::string token = tokenExpiringAt(first(), kStart + 600);
    const auto fresh = check(engine, token);
    EXPECT_VERDICT(fresh, Verdict::Allow);
    ASSERT_TRUE(fresh.claims);
    EXPECT_EQ(fresh.claims->subject, "alice");
    EXPECT_EQ(engine.cachedTokens(), 1u);

    const auto cached = check(engine, token);
    EXPECT_VERDICT(cached, Verdict::Allow);
    // The very same claims object: the second answer came from the cache, not a new verify.
    EXPECT_EQ(cached.claims, fresh.claims);
    EXPECT_EQ(engine.cachedTokens(), 1u);
}

TEST_F(CheckEngineTest, refusesCachedTokenOnceTheClockReachesExp) {
    CheckEngineOptions options;
    options.verifier.leewaySeconds = 0;
    auto engine = makeEngine(options);
    const std::string token = tokenExpiringAt(first(), kStart + 10);
    EXPECT_VERDICT(check(engine, token), Verdict::Allow);
    ASSERT_EQ(engine.cachedTokens(), 1u);

    now = kStart + 9;
    EXPECT_VERDICT(check(engine, token), Verdict::Allow);
    now = kStart + 10;
    const auto expired = check(engine, token);
    EXPECT_VERDICT(expired, Verdict::Expired);
    EXPECT_FALSE(expired.claims);
    EXPECT_EQ(engine.cachedTokens(), 0u);
}

TEST_F(CheckEngineTest, neverCachesBeyondExpEvenWithinLeeway) {
    auto engine = makeEngine();  // 30 s leeway
    const std::string token = tokenExpiringAt(first(), kStart + 10);
    const auto fresh = check(engine, token);
    EXPECT_VERDICT(fresh, Verdict::Allow);
    now = kStart + 15;
    // Still valid thanks to leeway, but verified again and not cached past exp.
    const auto late = check(engine, token);
    EXPECT_VERDICT(late, Verdict::Allow);
    EXPECT_NE(late.claims, fresh.claims);
    EXPECT_EQ(engine.cachedTokens(), 0u);
    now = kStart + 40;
    EXPECT_VERDICT(check(engine, token), Verdict::Expired);
}

TEST_F(CheckEngineTest, capsTheCacheLifetimeOfTokensWithoutExp) {
    CheckEngineOptions options;
    options.verifier.requireExp = false;
    options.cacheMaxTtlSeconds = 60;
    auto engine = makeEngine(options);
    const std::string token = first().mint("{\"sub\":\"alice\"}");
    const auto fresh = check(engine, token);
    EXPECT_VERDICT(fresh, Verdict::Allow);
    now = kStart + 59;
    EXPECT_EQ(check(engine, token).claims, fresh.claims);
    now = kStart + 60;
    const auto again = check(engine, token);
    EXPECT_VERDICT(again, Verdict::Allow);
    EXPECT_NE(again.claims, fresh.claims);
}

TEST_F(CheckEngineTest, refusesCachedTokenOfARemovedKey) {
    auto engine = makeEngine();
    const std::string token = tokenExpiringAt(first(), kStart + 600);
    const std::string other = tokenExpiringAt(second(), kStart + 600);
    EXPECT_VERDICT(check(engine, token), Verdict::Allow);
    EXPECT_VERDICT(check(engine, other), Verdict::Allow);
    ASSERT_EQ(engine.cachedTokens(), 2u);

    keys.replace(keySetOf({second().publicJwk()}));
    engine.forgetVerifiedTokens();
    EXPECT_EQ(engine.cachedTokens(), 0u);
    const auto refused = check(engine, token);
    EXPECT_VERDICT(refused, Verdict::InvalidToken);
    EXPECT_EQ(refused.detail, "unknown kid");
    EXPECT_VERDICT(check(engine, other), Verdict::Allow);
}

TEST_F(CheckEngineTest, keySetGenerationAloneKeepsOldEntriesFromBeingServed) {
    // Even if forgetVerifiedTokens() were missed, entries carry the generation they were made in.
    auto engine = makeEngine();
    const std::string token = tokenExpiringAt(first(), kStart + 600);
    EXPECT_VERDICT(check(engine, token), Verdict::Allow);
    keys.replace(keySetOf({second().publicJwk()}));
    EXPECT_VERDICT(check(engine, token), Verdict::InvalidToken);
}

TEST_F(CheckEngineTest, neverCachesAnInvalidToken) {
    auto engine = makeEngine();
    std::string tampered = tokenExpiringAt(first(), kStart + 600);
    tampered[tampered.size() - 5] = tampered[tampered.size() - 5] == 'A' ? 'B' : 'A';
    const std::string expired = tokenExpiringAt(first(), kStart - 600);
    for (int i = 0; i < 3; ++i) {
        EXPECT_VERDICT(check(engine, tampered), Verdict::InvalidToken);
        EXPECT_VERDICT(check(engine, expired), Verdict::Expired);
        EXPECT_VERDICT(check(engine, "not-a-token"), Verdict::InvalidToken);
    }
    EXPECT_EQ(engine.cachedTokens(), 0u);
}

TEST_F(CheckEngineTest, refusesOversizedTokenWithTheSizeDetail) {
    auto engine = makeEngine();
    const std::string huge(9000, 'x');
    const auto result = check(engine, huge);
    EXPECT_VERDICT(result, Verdict::InvalidToken);
    EXPECT_EQ(result.detail, "token exceeds the size limit");
    EXPECT_EQ(engine.cachedTokens(), 0u);
}

TEST_F(CheckEngineTest, refusesEverythingWithoutAKeySet) {
    jwt::KeyStore empty;
    CheckEngine engine(CheckEngineOptions{}, empty, [this] { return now.load(); });
    const auto result = check(engine, tokenExpiringAt(first(), kStart + 600));
    EXPECT_VERDICT(result, Verdict::InvalidToken);
    EXPECT_EQ(result.detail, "no key set loaded");
    EXPECT_EQ(engine.cachedTokens(), 0u);
}

// A blocked client in another spelling (with a port, spaces) is still that client, and an
// address that does not parse is refused instead of escaping every block and per-IP limit.
TEST_F(CheckEngineTest, clientAddressInAnySpellingIsBlockedAndGarbageIsRefused) {
    auto engine = makeEngine();
    control::RuleSet rules;
    rules.clients.add(*limits::Cidr::parse("1.2.3.4"), kStart + 600);
    engine.rules().publish(std::move(rules));
    const auto token = tokenExpiringAt(first(), kStart + 600);
    for (const char* spelling : {"1.2.3.4", "1.2.3.4:80", " 1.2.3.4", "[::ffff:1.2.3.4]:80"}) {
        const auto result = engine.check(CheckInput{token, spelling, "/api"});
        EXPECT_VERDICT(result, Verdict::Blocked);
        EXPECT_EQ(result.detail, "client address is blocked") << spelling;
    }
    for (const char* garbage : {"[1.2.3.4]", "1.2.3.4:99999", "not-an-address", "1.2.3.4 x"}) {
        const auto result = engine.check(CheckInput{token, garbage, "/api"});
        EXPECT_VERDICT(result, Verdict::Blocked);
        EXPECT_EQ(result.detail, "client address is not an IP address") << garbage;
    }
    // No address at all is "not known": judged on the token, without a per-IP limit.
    EXPECT_VERDICT(engine.check(CheckInput{token, "", "/api"}), Verdict::Allow);
    EXPECT_VERDICT(engine.check(CheckInput{token, "5.6.7.8", "/api"}), Verdict::Allow);
}

}  // namespace
}  // namespace rampart
