// The JWKS URL source against a real HTTPS server on loopback.
#include "keys/JwksUrlSource.h"

#include <gtest/gtest.h>

#include <atomic>

#include "jwt/SigningKey.h"
#include "keys/KeyRefresher.h"
#include "support/HttpsFileServer.h"
#include "support/HttpsStandIn.h"
#include "support/TempDir.h"

namespace rampart::keys {
namespace {

using namespace std::chrono_literals;

class JwksUrlSourceTest : public ::testing::Test {
protected:
    void SetUp() override {
        dir.write("jwks.json", jwt::jwksOf({key.publicJwk()}));
        ASSERT_TRUE(server.start());
    }

    std::unique_ptr<JwksUrlSource> source(const std::string& file, const std::string& ca) {
        return std::make_unique<JwksUrlSource>(server.url(file), ca, 1s, 2s);
    }

    testing::TempDir dir;
    testing::HttpsFileServer server{dir.path()};
    jwt::SigningKey key = *jwt::SigningKey::generate(jwt::Algorithm::EdDSA, "url-key");
};

TEST_F(JwksUrlSourceTest, fetchesKeysOverVerifiedHttps) {
    jwt::KeyStore store;
    KeyRefresher refresher(source("jwks.json", server.caFile().string()), {}, store, nullptr);
    ASSERT_TRUE(refresher.loadNow().ok()) << refresher.stats().lastError;
    EXPECT_NE(store.current().value->find("url-key"), nullptr);
}

TEST_F(JwksUrlSourceTest, untrustedCertificateIsRefused) {
    // No CA file: the system store does not know this self-signed certificate.
    auto status = source("jwks.json", "")->fetch().status();
    EXPECT_FALSE(status.ok());
    EXPECT_EQ(status.code(), absl::StatusCode::kUnavailable);
}

TEST_F(JwksUrlSourceTest, errorPageInsteadOfJwksIsRefused) {
    // This server answers a missing file with "200" and an error text, as misconfigured
    // proxies do: the body is what counts.
    jwt::KeyStore store;
    KeyRefresher refresher(source("nope.json", server.caFile().string()), {}, store, nullptr);
    const auto status = refresher.loadNow();
    EXPECT_FALSE(status.ok());
    EXPECT_NE(status.message().find("not valid JSON"), std::string::npos) << status;
    EXPECT_FALSE(store.ready());
}

TEST_F(JwksUrlSourceTest, oversizedDocumentIsRefused) {
    dir.write("big.json", std::string(jwt::kMaxJwksBytes + 4096, ' '));
    auto status = source("big.json", server.caFile().string())->fetch().status();
    EXPECT_EQ(status.code(), absl::StatusCode::kResourceExhausted) << status;
}

TEST_F(JwksUrlSourceTest, serverGoingAwayKeepsLastGoodKeys) {
    jwt::KeyStore store;
    KeyRefresher refresher(source("jwks.json", server.caFile().string()), {}, store, nullptr);
    ASSERT_TRUE(refresher.loadNow().ok());
    const auto generation = store.generation();
    server.stop();
    EXPECT_FALSE(refresher.loadNow().ok());
    EXPECT_EQ(store.generation(), generation);
    EXPECT_NE(store.current().value->find("url-key"), nullptr);
    EXPECT_EQ(refresher.stats().failed, 1u);
}

// An identity provider answering 503 during its own incident: the status is an error even when
// the body is a valid key set (a cached error page could be), and the last good keys stay.
TEST_F(JwksUrlSourceTest, nonOkStatusIsAFailureAndKeepsLastGoodKeys) {
    const auto jwks = jwt::jwksOf({key.publicJwk()});
    std::atomic<int> status{200};  // the stand-in answers on its own thread
    testing::HttpsStandIn idp([&](const testing::StandInRequest&) {
        return testing::StandInReply{status.load(), jwks};
    });
    ASSERT_TRUE(idp.start());
    jwt::KeyStore store;
    KeyRefresher refresher(
        std::make_unique<JwksUrlSource>(idp.baseUrl() + "/jwks", idp.caFile().string(), 1s, 2s),
        {}, store, nullptr);
    ASSERT_TRUE(refresher.loadNow().ok()) << refresher.stats().lastError;
    const auto generation = store.generation();

    status = 503;
    const auto failed = refresher.loadNow();
    EXPECT_EQ(failed.code(), absl::StatusCode::kUnavailable) << failed;
    EXPECT_NE(failed.message().find("503"), std::string::npos) << failed;
    EXPECT_EQ(store.generation(), generation);
    EXPECT_NE(store.current().value->find("url-key"), nullptr);
    EXPECT_EQ(refresher.stats().failed, 1u);
}

TEST_F(JwksUrlSourceTest, describeHidesQueryString) {
    JwksUrlSource withSecret("https://idp.example/jwks?token=secret", "", 1s, 1s);
    EXPECT_EQ(withSecret.describe().find("secret"), std::string::npos);
}

}  // namespace
}  // namespace rampart::keys
