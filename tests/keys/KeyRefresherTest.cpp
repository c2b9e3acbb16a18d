#include "keys/KeyRefresher.h"

#include <gtest/gtest.h>

#include "jwt/SigningKey.h"
#include "keys/JwksFileSource.h"
#include "support/AgentProcess.h"
#include "support/TempDir.h"

namespace rampart::keys {
namespace {

using namespace std::chrono_literals;
using testing::TempDir;

class KeyRefresherTest : public ::testing::Test {
protected:
    static void SetUpTestSuite() {
        keyA = new jwt::SigningKey(*jwt::SigningKey::generate(jwt::Algorithm::EdDSA, "a"));
        keyB = new jwt::SigningKey(*jwt::SigningKey::generate(jwt::Algorithm::ES256, "b"));
    }
    static void TearDownTestSuite() {
        delete keyA;
        delete keyB;
    }

    std::unique_ptr<KeyRefresher> refresher() {
        return std::make_unique<KeyRefresher>(
            std::make_unique<JwksFileSource>(dir.file("jwks.json").string(), 100ms),
            jwt::AlgorithmBindings{}, store, [this](const jwt::KeySet&) { ++replaced; });
    }

    static inline jwt::SigningKey* keyA = nullptr;
    static inline jwt::SigningKey* keyB = nullptr;
    TempDir dir;
    jwt::KeyStore store;
    std::atomic<int> replaced{0};
};

TEST_F(KeyRefresherTest, loadsTheFileIntoTheStore) {
    dir.write("jwks.json", jwt::jwksOf({keyA->publicJwk()}));
    auto r = refresher();
    ASSERT_TRUE(r->loadNow().ok());
    ASSERT_TRUE(store.ready());
    EXPECT_NE(store.current().value->find("a"), nullptr);
    EXPECT_EQ(replaced.load(), 1);
    EXPECT_EQ(r->stats().succeeded, 1u);
}

TEST_F(KeyRefresherTest, badFileKeepsLastGoodSetAndRecordsWhy) {
    dir.write("jwks.json", jwt::jwksOf({keyA->publicJwk()}));
    auto r = refresher();
    ASSERT_TRUE(r->loadNow().ok());
    const auto generation = store.generation();
    for (const char* bad : {"", "{", "{\"keys\":[]}", "{\"keys\":[{\"kty\":\"RSA\"}]}"}) {
        dir.write("jwks.json", bad);
        EXPECT_FALSE(r->loadNow().ok()) << bad;
        EXPECT_EQ(store.generation(), generation) << bad;
        EXPECT_NE(store.current().value->find("a"), nullptr);
    }
    std::filesystem::remove(dir.file("jwks.json"));
    EXPECT_FALSE(r->loadNow().ok());
    EXPECT_EQ(store.generation(), generation);
    EXPECT_EQ(r->stats().failed, 5u);
    EXPECT_FALSE(r->stats().lastError.empty());
}

TEST_F(KeyRefresherTest, oversizedFileIsRefused) {
    dir.write("jwks.json", std::string(jwt::kMaxJwksBytes + 10, ' '));
    auto r = refresher();
    const auto status = r->loadNow();
    EXPECT_FALSE(status.ok());
    EXPECT_NE(status.message().find("limit"), std::string::npos);
}

TEST_F(KeyRefresherTest, backgroundWatchPicksUpAChangedFile) {
    dir.write("jwks.json", jwt::jwksOf({keyA->publicJwk()}));
    auto r = refresher();
    ASSERT_TRUE(r->loadNow().ok());
    r->start();
    dir.write("jwks.json", jwt::jwksOf({keyA->publicJwk(), keyB->publicJwk()}));
    EXPECT_TRUE(testing::eventually([&] { return store.current().value->find("b") != nullptr; }));
    r->stop();
}

TEST_F(KeyRefresherTest, unchangedFileIsNotReloadedButRequestForcesIt) {
    dir.write("jwks.json", jwt::jwksOf({keyA->publicJwk()}));
    JwksFileSource source(dir.file("jwks.json").string(), 100ms);
    ASSERT_TRUE(source.fetch().ok());
    EXPECT_FALSE(source.mayHaveChanged());
    dir.write("jwks.json", jwt::jwksOf({keyB->publicJwk()}));  // a new inode by rename
    EXPECT_TRUE(source.mayHaveChanged());

    auto r = refresher();
    ASSERT_TRUE(r->loadNow().ok());
    r->start();
    const int before = replaced.load();
    r->requestReload();
    EXPECT_TRUE(testing::eventually([&] { return replaced.load() > before; }));
    r->stop();
}

}  // namespace
}  // namespace rampart::keys
