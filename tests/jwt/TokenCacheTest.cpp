#include <gtest/gtest.h>

#include <set>
#include <string>
#include <thread>
#include <vector>

#include "jwt/TokenCache.h"

namespace rampart::jwt {
namespace {

constexpr int64_t kNow = 1'700'000'000;
constexpr uint64_t kGeneration = 7;

std::shared_ptr<const VerifiedClaims> claimsFor(const std::string& subject) {
    auto claims = std::make_shared<VerifiedClaims>();
    claims->subject = subject;
    return claims;
}

TokenDigest digestOf(int i) { return digestToken("token-" + std::to_string(i)); }

TEST(TokenCache, findsInsertedToken) {
    TokenCache cache(100);
    const auto claims = claimsFor("alice");
    cache.insert(digestOf(1), claims, kNow + 60, kGeneration);
    EXPECT_EQ(cache.find(digestOf(1), kNow, kGeneration), claims);
    EXPECT_EQ(cache.find(digestOf(2), kNow, kGeneration), nullptr);
    EXPECT_EQ(cache.size(), 1u);
}

TEST(TokenCache, missesFromValidUntilOn) {
    TokenCache cache(100);
    cache.insert(digestOf(1), claimsFor("alice"), kNow + 60, kGeneration);
    EXPECT_NE(cache.find(digestOf(1), kNow + 59, kGeneration), nullptr);
    EXPECT_EQ(cache.find(digestOf(1), kNow + 60, kGeneration), nullptr);
    // An expired entry is dropped, not kept for a clock that goes back.
    EXPECT_EQ(cache.find(digestOf(1), kNow, kGeneration), nullptr);
    EXPECT_EQ(cache.size(), 0u);
}

TEST(TokenCache, missesForAnotherKeyGeneration) {
    TokenCache cache(100);
    cache.insert(digestOf(1), claimsFor("alice"), kNow + 60, kGeneration);
    EXPECT_EQ(cache.find(digestOf(1), kNow, kGeneration + 1), nullptr);
    EXPECT_EQ(cache.find(digestOf(1), kNow, kGeneration), nullptr);
}

TEST(TokenCache, clearEmptiesTheCache) {
    TokenCache cache(1000);
    for (int i = 0; i < 100; ++i) cache.insert(digestOf(i), claimsFor("u"), kNow + 60, kGeneration);
    EXPECT_EQ(cache.size(), 100u);
    cache.clear();
    EXPECT_EQ(cache.size(), 0u);
    for (int i = 0; i < 100; ++i) EXPECT_EQ(cache.find(digestOf(i), kNow, kGeneration), nullptr);
    // Still usable afterwards.
    cache.insert(digestOf(1), claimsFor("u"), kNow + 60, kGeneration);
    EXPECT_NE(cache.find(digestOf(1), kNow, kGeneration), nullptr);
}

TEST(TokenCache, staysWithinCapacity) {
    for (size_t capacity : {1, 3, 10, 63, 64, 100, 1000, 5000}) {
        for (size_t shards : {1, 8, 64}) {
            TokenCache cache(capacity, shards);
            for (size_t i = 0; i < 10 * capacity; ++i) {
                cache.insert(digestOf(static_cast<int>(i)), claimsFor("u"), kNow + 60, kGeneration);
                ASSERT_LE(cache.size(), capacity)
                    << capacity << " entries, " << shards << " shards";
            }
            EXPECT_GT(cache.size(), 0u);
            // The newest token is always kept.
            EXPECT_NE(cache.find(digestOf(static_cast<int>(10 * capacity - 1)), kNow, kGeneration),
                      nullptr);
        }
    }
}

TEST(TokenCache, zeroCapacityCachesNothing) {
    TokenCache cache(0);
    cache.insert(digestOf(1), claimsFor("u"), kNow + 60, kGeneration);
    EXPECT_EQ(cache.size(), 0u);
    EXPECT_EQ(cache.find(digestOf(1), kNow, kGeneration), nullptr);
}

TEST(TokenCache, replacesOldestEntryFirst) {
    TokenCache cache(3, 1);
    for (int i = 1; i <= 4; ++i) cache.insert(digestOf(i), claimsFor("u"), kNow + 60, kGeneration);
    EXPECT_EQ(cache.find(digestOf(1), kNow, kGeneration), nullptr);
    for (int i = 2; i <= 4; ++i)
        EXPECT_NE(cache.find(digestOf(i), kNow, kGeneration), nullptr) << i;
}

TEST(TokenCache, reinsertingTheSameDigestDoesNotGrow) {
    TokenCache cache(100);
    const auto later = claimsFor("later");
    for (int i = 0; i < 50; ++i) cache.insert(digestOf(1), claimsFor("u"), kNow + 60, kGeneration);
    cache.insert(digestOf(1), later, kNow + 120, kGeneration + 1);
    EXPECT_EQ(cache.size(), 1u);
    // The entry takes the latest claims, lifetime and generation.
    EXPECT_EQ(cache.find(digestOf(1), kNow + 90, kGeneration + 1), later);
}

TEST(TokenCache, differentTokensGetDifferentDigests) {
    std::set<TokenDigest> seen;
    for (int i = 0; i < 1000; ++i) EXPECT_TRUE(seen.insert(digestOf(i)).second);
    EXPECT_EQ(digestToken("a.b.c"), digestToken("a.b.c"));
    EXPECT_NE(digestToken("a.b.c"), digestToken("a.b.d"));
    EXPECT_NE(digestToken(""), digestToken(std::string_view("\0", 1)));
}

TEST(TokenCache, concurrentInsertsAndFindsAreSafe) {
    constexpr size_t kCapacity = 512;
    constexpr int kThreads = 4;
    constexpr int kTokens = 2000;
    TokenCache cache(kCapacity, 16);
    std::vector<std::shared_ptr<const VerifiedClaims>> claims;
    for (int i = 0; i < kTokens; ++i) claims.push_back(claimsFor("user-" + std::to_string(i)));

    std::atomic<int> wrong{0};
    std::vector<std::thread> threads;
    for (int t = 0; t < kThreads; ++t) {
        threads.emplace_back([&, t] {
            // The threads overlap on every token, in different orders.
            for (int round = 0; round < 5; ++round) {
                for (int j = 0; j < kTokens; ++j) {
                    const int i = (j * (t + 1) + round) % kTokens;
                    const auto digest = digestOf(i);
                    if (auto found = cache.find(digest, kNow, kGeneration);
                        found && found != claims[i]) {
                        ++wrong;
                    }
                    cache.insert(digest, claims[i], kNow + 60, kGeneration);
                    if (j % 257 == 0) (void)cache.size();
                    if (t == 0 && round == 2 && j == kTokens / 2) cache.clear();
                }
            }
        });
    }
    for (auto& thread : threads) thread.join();
    EXPECT_EQ(wrong.load(), 0);
    EXPECT_LE(cache.size(), kCapacity);
}

}  // namespace
}  // namespace rampart::jwt
