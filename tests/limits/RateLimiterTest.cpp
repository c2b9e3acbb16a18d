// The limits as the check applies them: through CheckEngine, with a real key set, injected
// clocks and the order blocklist → allowlist → per-IP → token → per-subject → global.
#include <gtest/gtest.h>

#include <array>
#include <atomic>
#include <stdexcept>
#include <string>

#include "engine/CheckEngine.h"
#include "jwt/JwksParser.h"
#include "jwt/SigningKey.h"
#include "limits/RateLimiter.h"

namespace rampart {
namespace {

using jwt::Algorithm;
using jwt::SigningKey;
using limits::Cidr;
using limits::CidrList;
using limits::LimitKind;
using limits::LimitRule;
using limits::LimitSet;

constexpr int64_t kNow = 1'700'000'000;              // wall clock, seconds
constexpr int64_t kMonotonicStart = 42'000'000'000;  // steady clock, ns
constexpr int64_t kMs = 1'000'000;

#define EXPECT_VERDICT(result, expected) \
    EXPECT_EQ(verdictName((result).verdict), verdictName(expected)) << (result).detail

CidrList cidrs(std::initializer_list<std::string_view> texts) {
    std::vector<Cidr> blocks;
    for (auto text : texts) {
        auto block = Cidr::parse(text);
        if (!block) throw std::runtime_error("bad test CIDR " + std::string(text));
        blocks.push_back(*block);
    }
    return CidrList(std::move(blocks));
}

bool isRateLimited(Verdict v) {
    return v == Verdict::RateLimitedIp || v == Verdict::RateLimitedUser ||
           v == Verdict::RateLimitedGlobal;
}

class RateLimiterTest : public ::testing::Test {
protected:
    static const SigningKey& signer() {
        static const SigningKey key = [] {
            auto generated = SigningKey::generate(Algorithm::ES256, "limits");
            if (!generated.ok())
                throw std::runtime_error(std::string(generated.status().message()));
            return std::move(*generated);
        }();
        return key;
    }

    void SetUp() override {
        auto parsed = jwt::parseJwks(jwt::jwksOf({signer().publicJwk()}), {});
        ASSERT_TRUE(parsed.ok()) << parsed.status();
        keys.replace(parsed->keys);
    }

    CheckEngine makeEngine(LimitSet limits) {
        CheckEngineOptions options;
        options.maxLimiterKeys = 10'000;
        options.limits = std::move(limits);
        return CheckEngine(
            std::move(options), keys, [this] { return wallNow.load(); },
            [this] { return monotonicNow.load(); });
    }

    static std::string tokenFor(std::string_view subject) {
        return signer().mint("{\"sub\":\"" + std::string(subject) +
                             "\",\"exp\":" + std::to_string(kNow + 3600) + "}");
    }

    CheckResult check(CheckEngine& engine, const std::string& token, std::string_view ip) {
        auto result = engine.check(CheckInput{token, ip, "/api"});
        if (isRateLimited(result.verdict)) {
            // Every rate-limit denial says when to come back.
            EXPECT_GT(result.retryAfterMs, 0u) << verdictName(result.verdict);
        }
        return result;
    }

    void advanceMs(int64_t ms) { monotonicNow += ms * kMs; }

    jwt::KeyStore keys;
    std::atomic<int64_t> wallNow{kNow};
    std::atomic<int64_t> monotonicNow{kMonotonicStart};
    const std::string alice = tokenFor("alice");
    const std::string bob = tokenFor("bob");
    const std::string garbage = "not.a.token";
};

TEST_F(RateLimiterTest, blocklistedIpIsBlockedEvenWithAValidToken) {
    LimitSet limits;
    limits.blocklist = cidrs({"203.0.113.0/24", "2001:db8:bad::/48"});
    limits.allowlist = cidrs({"203.0.113.9"});  // the blocklist comes first
    auto engine = makeEngine(limits);
    for (auto ip : {"203.0.113.9", "203.0.113.200", "::ffff:203.0.113.1", "2001:db8:bad:1::7"}) {
        const auto result = check(engine, alice, ip);
        EXPECT_VERDICT(result, Verdict::Blocked) << ip;
        EXPECT_EQ(result.retryAfterMs, 0u);
        EXPECT_FALSE(result.claims);
    }
    EXPECT_VERDICT(check(engine, alice, "203.0.114.1"), Verdict::Allow);
    EXPECT_VERDICT(check(engine, alice, "2001:db8:bae::1"), Verdict::Allow);
    // Blocked before the token is looked at: no cache lookup happened for them.
    const auto totals = engine.metrics().totals();
    EXPECT_EQ(totals.cacheHits + totals.cacheMisses, 2u);
}

TEST_F(RateLimiterTest, allowlistedIpIsNeverRateLimitedButStillNeedsAValidToken) {
    LimitSet limits;
    limits.perIp = {1, 1, false};
    limits.perSubject = {1, 1, false};
    limits.global = {1, 1, false};
    limits.allowlist = cidrs({"10.0.0.0/8"});
    auto engine = makeEngine(limits);
    for (int i = 0; i < 100; ++i) {
        ASSERT_EQ(check(engine, alice, "10.1.2.3").verdict, Verdict::Allow) << "request " << i;
    }
    EXPECT_VERDICT(check(engine, garbage, "10.1.2.3"), Verdict::InvalidToken);
    EXPECT_VERDICT(check(engine, tokenFor("mallory") + "x", "10.1.2.3"), Verdict::InvalidToken);
    // Everyone else is limited as usual, and the allowlisted traffic did not use up the global
    // limit.
    EXPECT_VERDICT(check(engine, alice, "192.0.2.1"), Verdict::Allow);
    EXPECT_VERDICT(check(engine, bob, "192.0.2.1"), Verdict::RateLimitedIp);
}

TEST_F(RateLimiterTest, tokenSprayingIpIsLimitedByItsIp) {
    LimitSet limits;
    limits.perIp = {1, 5, false};
    auto engine = makeEngine(limits);
    for (int i = 0; i < 5; ++i) {
        EXPECT_VERDICT(check(engine, garbage + std::to_string(i), "192.0.2.7"),
                       Verdict::InvalidToken);
    }
    const auto sprayed = check(engine, garbage, "192.0.2.7");
    EXPECT_VERDICT(sprayed, Verdict::RateLimitedIp);
    // Its valid token is refused too, until the retry-after has passed.
    const auto valid = check(engine, alice, "192.0.2.7");
    EXPECT_VERDICT(valid, Verdict::RateLimitedIp);
    EXPECT_EQ(valid.retryAfterMs, 1000u);
    EXPECT_FALSE(valid.claims);
    // Another address is unaffected.
    EXPECT_VERDICT(check(engine, alice, "192.0.2.8"), Verdict::Allow);

    advanceMs(999);
    EXPECT_VERDICT(check(engine, alice, "192.0.2.7"), Verdict::RateLimitedIp);
    advanceMs(1);
    EXPECT_VERDICT(check(engine, alice, "192.0.2.7"), Verdict::Allow);
    EXPECT_VERDICT(check(engine, alice, "192.0.2.7"), Verdict::RateLimitedIp);
}

TEST_F(RateLimiterTest, perSubjectLimitStopsOneSubjectNotAnother) {
    LimitSet limits;
    limits.perSubject = {2, 3, false};
    auto engine = makeEngine(limits);
    // From different addresses: the limit follows the subject, not the client.
    EXPECT_VERDICT(check(engine, alice, "192.0.2.1"), Verdict::Allow);
    EXPECT_VERDICT(check(engine, alice, "192.0.2.2"), Verdict::Allow);
    EXPECT_VERDICT(check(engine, alice, "2001:db8::1"), Verdict::Allow);
    const auto limited = check(engine, alice, "192.0.2.4");
    EXPECT_VERDICT(limited, Verdict::RateLimitedUser);
    EXPECT_EQ(limited.retryAfterMs, 500u);
    for (int i = 0; i < 3; ++i) EXPECT_VERDICT(check(engine, bob, "192.0.2.1"), Verdict::Allow);
    EXPECT_VERDICT(check(engine, bob, "192.0.2.1"), Verdict::RateLimitedUser);
    advanceMs(500);
    EXPECT_VERDICT(check(engine, alice, "192.0.2.1"), Verdict::Allow);
    // A bad token never reaches the subject stage.
    EXPECT_VERDICT(check(engine, garbage, "192.0.2.1"), Verdict::InvalidToken);
}

TEST_F(RateLimiterTest, globalLimitCoversEveryoneTogether) {
    LimitSet limits;
    limits.global = {2, 4, false};
    auto engine = makeEngine(limits);
    const std::string tokens[] = {alice, bob, tokenFor("carol"), tokenFor("dave")};
    for (int i = 0; i < 4; ++i) {
        EXPECT_VERDICT(check(engine, tokens[i], "192.0.2." + std::to_string(i + 1)),
                       Verdict::Allow);
    }
    const auto limited = check(engine, tokenFor("erin"), "198.51.100.1");
    EXPECT_VERDICT(limited, Verdict::RateLimitedGlobal);
    EXPECT_EQ(limited.retryAfterMs, 500u);
    // Invalid tokens do not spend the global limit (they stop at validation).
    for (int i = 0; i < 50; ++i) check(engine, garbage, "198.51.100.2");
    advanceMs(500);
    EXPECT_VERDICT(check(engine, alice, "198.51.100.3"), Verdict::Allow);
    EXPECT_VERDICT(check(engine, alice, "198.51.100.3"), Verdict::RateLimitedGlobal);
}

TEST_F(RateLimiterTest, limitsApplyInOrderAndTheFirstDenialWins) {
    LimitSet limits;
    limits.perIp = {1, 2, false};
    limits.perSubject = {1, 4, false};
    limits.global = {1, 6, false};
    auto engine = makeEngine(limits);
    // Per-IP first: the third request from one address stops there, whoever it is.
    EXPECT_VERDICT(check(engine, alice, "192.0.2.1"), Verdict::Allow);
    EXPECT_VERDICT(check(engine, alice, "192.0.2.1"), Verdict::Allow);
    EXPECT_VERDICT(check(engine, alice, "192.0.2.1"), Verdict::RateLimitedIp);
    // Then per subject: alice's fifth request from a fresh address.
    EXPECT_VERDICT(check(engine, alice, "192.0.2.2"), Verdict::Allow);
    EXPECT_VERDICT(check(engine, alice, "192.0.2.2"), Verdict::Allow);
    EXPECT_VERDICT(check(engine, alice, "192.0.2.3"), Verdict::RateLimitedUser);
    // Then global: six admitted in all, the seventh is refused.
    EXPECT_VERDICT(check(engine, bob, "192.0.2.4"), Verdict::Allow);
    EXPECT_VERDICT(check(engine, bob, "192.0.2.5"), Verdict::Allow);
    EXPECT_VERDICT(check(engine, bob, "192.0.2.6"), Verdict::RateLimitedGlobal);
}

// Each limit in shadow mode: nothing is denied, and the would-be denials are counted exactly.
TEST_F(RateLimiterTest, shadowModeDeniesNothingAndCountsEachLimit) {
    struct Case {
        LimitKind kind;
        bool sameIp;
        bool sameSubject;
    };
    for (const auto& c : {Case{LimitKind::Ip, true, false}, Case{LimitKind::Subject, false, true},
                          Case{LimitKind::Global, false, false}}) {
        LimitSet limits;
        const LimitRule shadow{1, 3, true};
        if (c.kind == LimitKind::Ip) limits.perIp = shadow;
        if (c.kind == LimitKind::Subject) limits.perSubject = shadow;
        if (c.kind == LimitKind::Global) limits.global = shadow;
        auto engine = makeEngine(limits);
        for (int i = 0; i < 10; ++i) {
            const auto ip =
                c.sameIp ? std::string("192.0.2.1") : "192.0.2." + std::to_string(i + 1);
            const auto token = c.sameSubject ? alice : tokenFor("user" + std::to_string(i));
            ASSERT_EQ(check(engine, token, ip).verdict, Verdict::Allow)
                << "kind " << static_cast<int>(c.kind) << ", request " << i;
        }
        const auto totals = engine.metrics().totals();
        for (int kind = 0; kind < limits::kLimitKinds; ++kind) {
            EXPECT_EQ(totals.shadowDenials[kind], kind == static_cast<int>(c.kind) ? 7u : 0u)
                << "shadow kind " << static_cast<int>(c.kind) << ", counter " << kind;
        }
        EXPECT_EQ(totals.verdicts[static_cast<int>(Verdict::Allow)], 10u);
    }
}

TEST_F(RateLimiterTest, everyShadowLimitCountsWhenSeveralWouldDenyTheSameRequest) {
    LimitSet limits;
    limits.perIp = {1, 3, true};
    limits.perSubject = {1, 4, true};
    limits.global = {1, 5, true};
    auto engine = makeEngine(limits);
    for (int i = 0; i < 10; ++i)
        ASSERT_EQ(check(engine, alice, "192.0.2.1").verdict, Verdict::Allow);
    const auto totals = engine.metrics().totals();
    EXPECT_EQ(totals.shadowDenials[static_cast<int>(LimitKind::Ip)], 7u);
    EXPECT_EQ(totals.shadowDenials[static_cast<int>(LimitKind::Subject)], 6u);
    EXPECT_EQ(totals.shadowDenials[static_cast<int>(LimitKind::Global)], 5u);
}

TEST_F(RateLimiterTest, shadowLimitIsCountedBesideAnEnforcedOne) {
    LimitSet limits;
    limits.perIp = {1, 5, false};
    limits.perSubject = {1, 2, true};
    auto engine = makeEngine(limits);
    int allowed = 0, limited = 0;
    for (int i = 0; i < 10; ++i) {
        const auto v = check(engine, alice, "192.0.2.1").verdict;
        allowed += v == Verdict::Allow;
        limited += v == Verdict::RateLimitedIp;
    }
    EXPECT_EQ(allowed, 5);
    EXPECT_EQ(limited, 5);
    const auto totals = engine.metrics().totals();
    // Only the five that got past the per-IP limit reached the subject stage; three of those
    // were over alice's shadow limit.
    EXPECT_EQ(totals.shadowDenials[static_cast<int>(LimitKind::Subject)], 3u);
    EXPECT_EQ(totals.shadowDenials[static_cast<int>(LimitKind::Ip)], 0u);
}

TEST_F(RateLimiterTest, publishedLimitsTakeEffectOnTheNextCheck) {
    auto engine = makeEngine({});
    EXPECT_EQ(engine.limiter().current().value->revision, 1u);
    for (int i = 0; i < 20; ++i)
        ASSERT_EQ(check(engine, alice, "192.0.2.1").verdict, Verdict::Allow);

    LimitSet tighter;
    tighter.perIp = {1, 2, false};
    tighter.revision = 2;
    engine.limiter().publish(tighter);
    EXPECT_EQ(engine.limiter().current().value->revision, 2u);
    EXPECT_VERDICT(check(engine, alice, "192.0.2.1"), Verdict::Allow);
    EXPECT_VERDICT(check(engine, alice, "192.0.2.1"), Verdict::Allow);
    EXPECT_VERDICT(check(engine, alice, "192.0.2.1"), Verdict::RateLimitedIp);

    LimitSet off;
    off.revision = 3;
    engine.limiter().publish(off);
    EXPECT_VERDICT(check(engine, alice, "192.0.2.1"), Verdict::Allow);

    LimitSet blocked;
    blocked.blocklist = cidrs({"192.0.2.0/24"});
    blocked.revision = 4;
    engine.limiter().publish(blocked);
    EXPECT_VERDICT(check(engine, alice, "192.0.2.1"), Verdict::Blocked);
    EXPECT_EQ(engine.limiter().current().value->revision, 4u);

    LimitSet shadowed;
    shadowed.global = {1, 1, true};
    shadowed.revision = 5;
    engine.limiter().publish(shadowed);
    EXPECT_VERDICT(check(engine, alice, "192.0.2.1"), Verdict::Allow);
    EXPECT_VERDICT(check(engine, alice, "192.0.2.1"), Verdict::Allow);
    EXPECT_EQ(engine.metrics().totals().shadowDenials[static_cast<int>(LimitKind::Global)], 1u);
}

TEST_F(RateLimiterTest, ipv6ClientsInOneSlash64ShareTheirLimit) {
    LimitSet limits;
    limits.perIp = {1, 2, false};
    auto engine = makeEngine(limits);
    EXPECT_VERDICT(check(engine, alice, "2001:db8:1:2::1"), Verdict::Allow);
    EXPECT_VERDICT(check(engine, alice, "2001:db8:1:2:ffff:ffff:ffff:ffff"), Verdict::Allow);
    EXPECT_VERDICT(check(engine, alice, "2001:db8:1:2:abcd::9"), Verdict::RateLimitedIp);
    EXPECT_VERDICT(check(engine, alice, "2001:db8:1:3::1"), Verdict::Allow);

    LimitSet wider = limits;
    wider.ipv6PrefixBits = 48;
    wider.revision = 2;
    engine.limiter().publish(wider);
    // Now all of 2001:db8:1::/48 is one client with one burst.
    EXPECT_VERDICT(check(engine, alice, "2001:db8:1:4::1"), Verdict::Allow);
    EXPECT_VERDICT(check(engine, alice, "2001:db8:1:5::1"), Verdict::Allow);
    EXPECT_VERDICT(check(engine, alice, "2001:db8:1:6::1"), Verdict::RateLimitedIp);
    EXPECT_VERDICT(check(engine, alice, "2001:db8:2:6::1"), Verdict::Allow);
}

// No address skips the per-IP limit; an address in any form a gateway sends is that client,
// blocked and limited like it; anything else is refused, never let through unlimited.
TEST_F(RateLimiterTest, missingClientIpSkipsThePerIpLimitAndEveryOtherFormIsJudged) {
    LimitSet limits;
    limits.perIp = {1, 1, false};
    limits.blocklist = cidrs({"198.51.100.0/24", "2001:db8:bad::/48"});
    auto engine = makeEngine(limits);
    for (int i = 0; i < 3; ++i) EXPECT_VERDICT(check(engine, alice, ""), Verdict::Allow);
    for (auto ip : {"198.51.100.7:80", "[2001:db8:bad::1]", " 198.51.100.7", "not-an-ip"}) {
        EXPECT_VERDICT(check(engine, alice, ip), Verdict::Blocked) << ip;
    }
    EXPECT_VERDICT(check(engine, alice, "192.0.2.1:80"), Verdict::Allow);
    EXPECT_VERDICT(check(engine, alice, " 192.0.2.1"), Verdict::RateLimitedIp);
}

TEST_F(RateLimiterTest, metricsCountWhatWasReturned) {
    LimitSet limits;
    limits.perIp = {1, 4, false};
    limits.perSubject = {1, 3, false};
    limits.blocklist = cidrs({"203.0.113.0/24"});
    auto engine = makeEngine(limits);
    std::array<uint64_t, kVerdictCount> seen{};
    uint64_t expectedHits = 0, expectedMisses = 0;
    bool aliceVerified = false, bobVerified = false;
    const auto run = [&](const std::string& token, std::string_view ip) {
        const auto v = check(engine, token, ip).verdict;
        seen[static_cast<int>(v)]++;
        return v;
    };
    for (int round = 0; round < 6; ++round) {
        const auto ip = "192.0.2." + std::to_string(round + 1);
        // Each token reaches the cache only when the per-IP stage let it through.
        if (run(alice, ip) != Verdict::RateLimitedIp) {
            (aliceVerified ? expectedHits : expectedMisses)++;
            aliceVerified = true;
        }
        if (run(bob, ip) != Verdict::RateLimitedIp) {
            (bobVerified ? expectedHits : expectedMisses)++;
            bobVerified = true;
        }
        if (run(garbage, ip) != Verdict::RateLimitedIp) expectedMisses++;
        if (run(tokenFor("alice") + "tampered", ip) != Verdict::RateLimitedIp) expectedMisses++;
        run(alice, "203.0.113.5");  // blocked before the cache
        // Over the per-IP burst: refused before the cache.
        EXPECT_EQ(run(alice, ip), Verdict::RateLimitedIp);
        EXPECT_EQ(run(alice, ip), Verdict::RateLimitedIp);
    }
    const auto totals = engine.metrics().totals();
    for (int v = 0; v < kVerdictCount; ++v) {
        EXPECT_EQ(totals.verdicts[v], seen[v]) << verdictName(static_cast<Verdict>(v));
    }
    EXPECT_EQ(totals.checks(), 6u * 7);
    EXPECT_GT(seen[static_cast<int>(Verdict::RateLimitedUser)], 0u);
    EXPECT_GT(seen[static_cast<int>(Verdict::RateLimitedIp)], 0u);
    EXPECT_EQ(seen[static_cast<int>(Verdict::Blocked)], 6u);
    EXPECT_EQ(totals.cacheMisses, expectedMisses);
    EXPECT_EQ(totals.cacheHits, expectedHits);
    EXPECT_EQ(totals.cacheHits + totals.cacheMisses,
              totals.checks() - seen[static_cast<int>(Verdict::Blocked)] -
                  seen[static_cast<int>(Verdict::RateLimitedIp)]);
    // Latency is measured on the injected monotonic clock, which stood still.
    EXPECT_EQ(totals.latencyBuckets[0], totals.checks());
}

}  // namespace
}  // namespace rampart
