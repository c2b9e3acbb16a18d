// The gateway endpoints without a socket: a Request in, a Response out.
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <optional>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/match.h"
#include "http/GatewayRoutes.h"
#include "jwt/JwksParser.h"
#include "jwt/SigningKey.h"

namespace rampart::http {
namespace {

using jwt::Algorithm;
using jwt::SigningKey;
using limits::LimitSet;

constexpr int64_t kNow = 1'700'000'000;

limits::CidrList cidrs(std::initializer_list<std::string_view> texts) {
    std::vector<limits::Cidr> blocks;
    for (auto text : texts) {
        auto block = limits::Cidr::parse(text);
        if (!block) throw std::runtime_error("bad test CIDR " + std::string(text));
        blocks.push_back(*block);
    }
    return limits::CidrList(std::move(blocks));
}

SigningKey generated(const std::string& kid) {
    auto key = SigningKey::generate(Algorithm::ES256, kid);
    if (!key.ok()) throw std::runtime_error(std::string(key.status().message()));
    return std::move(*key);
}

// The route's extra headers as (name, value) pairs, split the way a client would split them.
std::vector<std::pair<std::string, std::string>> headerLines(const Response& response) {
    std::vector<std::pair<std::string, std::string>> lines;
    std::string_view rest = response.headers;
    while (!rest.empty()) {
        const size_t end = rest.find("\r\n");
        EXPECT_NE(end, std::string_view::npos) << "unterminated header line: " << rest;
        const auto line = rest.substr(0, end);
        rest.remove_prefix(end == std::string_view::npos ? rest.size() : end + 2);
        const size_t colon = line.find(": ");
        EXPECT_NE(colon, std::string_view::npos) << "not a header line: " << line;
        if (colon == std::string_view::npos) continue;
        lines.emplace_back(line.substr(0, colon), line.substr(colon + 2));
    }
    return lines;
}

// Header lookup by name, case-insensitive as in HTTP; nullopt when absent.
std::optional<std::string> header(const Response& response, std::string_view name) {
    std::optional<std::string> found;
    for (const auto& [key, value] : headerLines(response)) {
        if (absl::EqualsIgnoreCase(key, absl::string_view(name.data(), name.size()))) {
            EXPECT_FALSE(found) << "header " << name << " appears twice";
            found = value;
        }
    }
    return found;
}

// Request headers, owned here so the string_views in Request stay valid.
struct Call {
    std::string target = "/auth";
    std::string authorization;
    std::string realIp;
    std::string forwardedFor;
    std::string peer = "192.0.2.10";
};

class GatewayRoutesTest : public ::testing::Test {
protected:
    static const SigningKey& signer() {
        static const SigningKey key = generated("gw");
        return key;
    }

    void loadKeys() {
        auto parsed = jwt::parseJwks(jwt::jwksOf({signer().publicJwk()}), {});
        ASSERT_TRUE(parsed.ok()) << parsed.status();
        keys.replace(parsed->keys);
    }

    void start(LimitSet limits = {}) {
        CheckEngineOptions options;
        options.maxLimiterKeys = 10'000;
        options.verifier.leewaySeconds = 0;
        options.limits = std::move(limits);
        routes.reset();
        engine.reset();
        engine.emplace(
            std::move(options), keys, [this] { return wallNow.load(); },
            [this] { return monotonicNow.load(); });
        routes.emplace(*engine, keys, config, [] { return std::string("rampart_up 1\n"); });
    }

    Response call(const Call& c) {
        Request request;
        request.method = "GET";
        request.target = c.target;
        request.authorization = c.authorization;
        request.realIp = c.realIp;
        request.forwardedFor = c.forwardedFor;
        request.peerAddress = c.peer;
        Response response;
        routes->handle(request, response);
        for (const auto& [key, value] : headerLines(response)) {
            // Nothing a token says may split a header (RFC 9110 §5.5).
            EXPECT_EQ(value.find_first_of("\r\n"), std::string::npos) << key << ": " << value;
            EXPECT_EQ(key.find_first_of("\r\n: "), std::string::npos) << key;
        }
        return response;
    }

    Response get(std::string target) {
        Call c;
        c.target = std::move(target);
        return call(c);
    }

    Response auth(const std::string& authorization, std::string peer = "192.0.2.10") {
        Call c;
        c.authorization = authorization;
        c.peer = std::move(peer);
        return call(c);
    }

    static std::string tokenFor(std::string_view subjectJson, int64_t exp = kNow + 3600) {
        return signer().mint("{\"sub\":" + std::string(subjectJson) +
                             ",\"exp\":" + std::to_string(exp) +
                             ",\"scope\":\"orders:read\",\"client_id\":\"web\"}");
    }

    static void expectInvalidToken(const Response& response, std::string_view verdict) {
        EXPECT_EQ(response.status, 401);
        EXPECT_EQ(header(response, "X-Rampart-Verdict"), std::string(verdict));
        const auto challenge = header(response, "WWW-Authenticate");
        ASSERT_TRUE(challenge);
        EXPECT_TRUE(
            absl::StartsWith(*challenge, R"(Bearer realm="rampart", error="invalid_token", )"))
            << *challenge;
        // RFC 6750 §3: quoted-string values; an unbalanced quote would garble the challenge.
        EXPECT_EQ(std::count(challenge->begin(), challenge->end(), '"') % 2, 0) << *challenge;
        EXPECT_FALSE(header(response, "X-Auth-Subject"));
        EXPECT_FALSE(header(response, "Retry-After"));
    }

    jwt::KeyStore keys;
    config::HttpConfig config;
    std::atomic<int64_t> wallNow{kNow};
    std::atomic<int64_t> monotonicNow{7'000'000'000};
    std::optional<CheckEngine> engine;
    std::optional<GatewayRoutes> routes;
    const std::string alice = tokenFor("\"alice\"");
};

TEST_F(GatewayRoutesTest, authAllowsAValidTokenAndNamesTheSubject) {
    loadKeys();
    start();
    const auto response = auth("Bearer " + alice);
    EXPECT_EQ(response.status, 200);
    EXPECT_EQ(header(response, "X-Rampart-Verdict"), "ALLOW");
    EXPECT_EQ(header(response, "X-Auth-Subject"), "alice");
    EXPECT_EQ(header(response, "X-Auth-Scope"), "orders:read");
    EXPECT_EQ(header(response, "X-Auth-Client-Id"), "web");
    EXPECT_FALSE(header(response, "WWW-Authenticate"));
    EXPECT_FALSE(header(response, "Retry-After"));
}

TEST_F(GatewayRoutesTest, badOrExpiredTokenIs401WithAnInvalidTokenChallenge) {
    loadKeys();
    start();
    expectInvalidToken(auth("Bearer garbage"), "INVALID_TOKEN");
    expectInvalidToken(auth("Bearer " + alice + "x"), "INVALID_TOKEN");
    const auto stranger = generated("gw");  // same kid, another key: a forgery
    expectInvalidToken(auth("Bearer " + stranger.mint(R"({"sub":"alice","exp":1800000000})")),
                       "INVALID_TOKEN");
    expectInvalidToken(auth("Bearer " + tokenFor("\"alice\"", kNow - 1)), "EXPIRED");
    // A valid token goes stale while cached.
    const auto shortLived = tokenFor("\"bob\"", kNow + 10);
    EXPECT_EQ(auth("Bearer " + shortLived).status, 200);
    wallNow = kNow + 10;
    expectInvalidToken(auth("Bearer " + shortLived), "EXPIRED");
}

TEST_F(GatewayRoutesTest, missingCredentialsAre401WithoutAnErrorCode) {
    loadKeys();
    start();
    // RFC 6750 §3.1: a request with no token gets the challenge but no error attribute.
    for (const std::string authorization : {"", "Bearer", "Bearer ", "   "}) {
        const auto response = auth(authorization);
        EXPECT_EQ(response.status, 401) << "\"" << authorization << "\"";
        EXPECT_EQ(header(response, "WWW-Authenticate"), "Bearer realm=\"rampart\"");
        EXPECT_EQ(header(response, "X-Rampart-Verdict"), "INVALID_TOKEN");
    }
}

TEST_F(GatewayRoutesTest, bearerSchemeIsCaseInsensitive) {
    loadKeys();
    start();
    for (const std::string scheme : {"Bearer ", "bearer ", "BEARER ", "bEaReR ", "  Bearer   "}) {
        const auto response = auth(scheme + alice + "  ");
        EXPECT_EQ(response.status, 200) << "\"" << scheme << "\"";
        EXPECT_EQ(header(response, "X-Auth-Subject"), "alice");
    }
}

TEST_F(GatewayRoutesTest, otherSchemesAreRefused) {
    loadKeys();
    start();
    for (const std::string& authorization :
         std::vector<std::string>{"Basic YWxpY2U6c2VjcmV0", "Basic " + alice, "Token " + alice,
                                  "Bearer:" + alice, "Bearer" + alice, alice, "Bearer\t" + alice}) {
        const auto response = auth(authorization);
        EXPECT_EQ(response.status, 401) << authorization;
        EXPECT_EQ(header(response, "WWW-Authenticate"), "Bearer realm=\"rampart\"")
            << authorization;
    }
}

TEST(BearerToken, extractsTheCredential) {
    EXPECT_EQ(bearerToken("Bearer abc.def.ghi"), "abc.def.ghi");
    EXPECT_EQ(bearerToken("bearer abc"), "abc");
    EXPECT_EQ(bearerToken(" BEARER   abc  "), "abc");
    EXPECT_EQ(bearerToken("Basic abc"), "");
    EXPECT_EQ(bearerToken("Bearer"), "");
    EXPECT_EQ(bearerToken("Bearer "), "");
    EXPECT_EQ(bearerToken("Bearerabc"), "");
    EXPECT_EQ(bearerToken(""), "");
}

TEST_F(GatewayRoutesTest, rateLimitedIs403WithRetryAfterByDefault) {
    loadKeys();
    LimitSet limits;
    limits.perIp = {0.5, 1, false};  // one request, then a two-second wait
    start(limits);
    EXPECT_EQ(auth("Bearer " + alice).status, 200);
    const auto limited = auth("Bearer " + alice);
    EXPECT_EQ(limited.status, 403);
    EXPECT_EQ(header(limited, "X-Rampart-Verdict"), "RATE_LIMITED_IP");
    EXPECT_EQ(header(limited, "Retry-After"), "2");
    EXPECT_FALSE(header(limited, "X-Auth-Subject"));
    EXPECT_FALSE(header(limited, "WWW-Authenticate"));
    // Even a bad token from that client is refused as rate limited, not as unauthorized.
    EXPECT_EQ(auth("Bearer garbage").status, 403);
}

TEST_F(GatewayRoutesTest, rateLimitedStatusCanBe429AndRetryAfterIsWholeSecondsAtLeastOne) {
    loadKeys();
    config.rateLimitedStatus = 429;
    LimitSet limits;
    limits.perIp = {10, 1, false};  // a 100 ms wait still says one second
    limits.perSubject = {0.4, 2, false};
    start(limits);
    EXPECT_EQ(auth("Bearer " + alice).status, 200);
    const auto perIp = auth("Bearer " + alice);
    EXPECT_EQ(perIp.status, 429);
    EXPECT_EQ(header(perIp, "X-Rampart-Verdict"), "RATE_LIMITED_IP");
    EXPECT_EQ(header(perIp, "Retry-After"), "1");

    EXPECT_EQ(auth("Bearer " + alice, "192.0.2.11").status, 200);
    const auto perUser = auth("Bearer " + alice, "192.0.2.12");
    EXPECT_EQ(perUser.status, 429);
    EXPECT_EQ(header(perUser, "X-Rampart-Verdict"), "RATE_LIMITED_USER");
    EXPECT_EQ(header(perUser, "Retry-After"), "3");  // 2.5 s, rounded up
}

TEST_F(GatewayRoutesTest, globalLimitIsReportedAsSuch) {
    loadKeys();
    LimitSet limits;
    limits.global = {1, 1, false};
    start(limits);
    EXPECT_EQ(auth("Bearer " + alice, "192.0.2.1").status, 200);
    const auto limited = auth("Bearer " + tokenFor("\"bob\""), "192.0.2.2");
    EXPECT_EQ(limited.status, 403);
    EXPECT_EQ(header(limited, "X-Rampart-Verdict"), "RATE_LIMITED_GLOBAL");
    EXPECT_EQ(header(limited, "Retry-After"), "1");
}

TEST_F(GatewayRoutesTest, blockedIs403EvenWhenLimitsSay429) {
    loadKeys();
    config.rateLimitedStatus = 429;
    LimitSet limits;
    limits.blocklist = cidrs({"198.51.100.0/24"});
    start(limits);
    const auto blocked = auth("Bearer " + alice, "198.51.100.9");
    EXPECT_EQ(blocked.status, 403);
    EXPECT_EQ(header(blocked, "X-Rampart-Verdict"), "BLOCKED");
    EXPECT_FALSE(header(blocked, "Retry-After"));
    EXPECT_FALSE(header(blocked, "X-Auth-Subject"));
}

TEST_F(GatewayRoutesTest, notReadyUntilKeysAreLoaded) {
    start();
    const auto notReady = get("/readyz");
    EXPECT_EQ(notReady.status, 503);
    // The gateway should fail over, not tell the user their token is bad.
    const auto authEarly = auth("Bearer " + alice);
    EXPECT_EQ(authEarly.status, 503);
    EXPECT_TRUE(header(authEarly, "Retry-After"));
    EXPECT_FALSE(header(authEarly, "X-Auth-Subject"));
    EXPECT_EQ(get("/healthz").status, 200);

    loadKeys();
    EXPECT_EQ(get("/readyz").status, 200);
    EXPECT_EQ(auth("Bearer " + alice).status, 200);
}

TEST_F(GatewayRoutesTest, probesMetricsAndUnknownPaths) {
    loadKeys();
    start();
    EXPECT_EQ(get("/healthz").status, 200);
    EXPECT_EQ(get("/readyz").status, 200);
    const auto metrics = get("/metrics");
    EXPECT_EQ(metrics.status, 200);
    EXPECT_EQ(metrics.body, "rampart_up 1\n");
    EXPECT_TRUE(metrics.contentType.starts_with("text/plain; version=0.0.4"));
    for (const char* path : {"/", "/nope", "/auth/extra", "/Auth", "/authz", "auth", "/metrics/"}) {
        EXPECT_EQ(get(path).status, 404) << path;
    }
}

TEST_F(GatewayRoutesTest, queryStringIsIgnored) {
    loadKeys();
    start();
    Call c;
    c.target = "/auth?x=1&redirect=/admin";
    c.authorization = "Bearer " + alice;
    const auto response = call(c);
    EXPECT_EQ(response.status, 200);
    EXPECT_EQ(header(response, "X-Auth-Subject"), "alice");
    EXPECT_EQ(get("/healthz?verbose").status, 200);
    EXPECT_EQ(get("/nope?auth").status, 404);
}

TEST_F(GatewayRoutesTest, subjectThatCouldSplitAHeaderIsNeverEchoed) {
    loadKeys();
    start();
    for (const char* subject : {R"("alice\r\nX-Admin: true")", R"("alice\nX-Admin: true")",
                                R"("alice\rX")", R"("a\u0000b")", R"("\u007f")"}) {
        const auto response = auth("Bearer " + tokenFor(subject));
        // The token itself is valid: it is let through, but its subject is not repeated, and no
        // header carries its control characters (call() checks every header for CR and LF).
        EXPECT_EQ(response.status, 200) << subject;
        EXPECT_FALSE(header(response, "X-Auth-Subject")) << subject;
        EXPECT_FALSE(header(response, "X-Admin")) << subject;
        for (const auto& [key, value] : headerLines(response)) {
            EXPECT_EQ(std::count_if(
                          value.begin(), value.end(),
                          [](char c) { return static_cast<unsigned char>(c) < 0x20 || c == 0x7f; }),
                      0)
                << key;
        }
    }
    // A subject with a tab or non-ASCII text is fine to pass on.
    EXPECT_EQ(header(auth("Bearer " + tokenFor(R"("jos\u00e9")")), "X-Auth-Subject"),
              "jos\xc3\xa9");
}

TEST_F(GatewayRoutesTest, perIpLimitFollowsTheClientNamedByATrustedProxy) {
    loadKeys();
    config.trustedProxies = cidrs({"10.0.0.0/8"});
    LimitSet limits;
    limits.perIp = {1, 1, false};
    start(limits);
    Call c;
    c.authorization = "Bearer " + alice;
    c.peer = "10.0.0.2";
    c.forwardedFor = "203.0.113.1";
    EXPECT_EQ(call(c).status, 200);
    EXPECT_EQ(call(c).status, 403);
    c.forwardedFor = "203.0.113.2";  // another client behind the same proxy
    EXPECT_EQ(call(c).status, 200);
    // An untrusted peer cannot pick a fresh identity per request.
    c.peer = "192.0.2.50";
    c.forwardedFor = "203.0.113.3";
    EXPECT_EQ(call(c).status, 200);
    c.forwardedFor = "203.0.113.4";
    EXPECT_EQ(call(c).status, 403);
}

Request requestFrom(std::string_view peer, std::string_view realIp, std::string_view xff) {
    Request r;
    r.peerAddress = peer;
    r.realIp = realIp;
    r.forwardedFor = xff;
    return r;
}

TEST(ClientAddress, untrustedPeerCannotNameAnotherClient) {
    const auto trusted = cidrs({"10.0.0.0/8"});
    EXPECT_EQ(clientAddress(requestFrom("192.0.2.1", "203.0.113.7", "198.51.100.1"), trusted),
              "192.0.2.1");
    EXPECT_EQ(clientAddress(requestFrom("192.0.2.1", "", "198.51.100.1"), trusted), "192.0.2.1");
    // No trusted proxies configured: nobody is believed.
    EXPECT_EQ(clientAddress(requestFrom("10.0.0.1", "203.0.113.7", "198.51.100.1"), {}),
              "10.0.0.1");
}

TEST(ClientAddress, trustedPeerXRealIpWins) {
    const auto trusted = cidrs({"10.0.0.0/8"});
    EXPECT_EQ(clientAddress(requestFrom("10.0.0.1", "203.0.113.7", "198.51.100.1"), trusted),
              "203.0.113.7");
    EXPECT_EQ(clientAddress(requestFrom("10.0.0.1", " 2001:db8::7 ", ""), trusted), "2001:db8::7");
    EXPECT_EQ(clientAddress(requestFrom("10.0.0.1", "203.0.113.7:5123", ""), trusted),
              "203.0.113.7:5123");
    // A trusted proxy naming something that is not an address is refused, not believed and
    // not replaced by the proxy's own address.
    EXPECT_EQ(clientAddress(requestFrom("10.0.0.1", "unknown", "198.51.100.1"), trusted),
              std::nullopt);
}

TEST(ClientAddress, rightMostUntrustedForwardedForEntry) {
    const auto trusted = cidrs({"10.0.0.0/8", "2001:db8:ffff::/48"});
    EXPECT_EQ(clientAddress(requestFrom("10.0.0.1", "", "1.1.1.1, 2.2.2.2, 10.0.0.5"), trusted),
              "2.2.2.2");
    EXPECT_EQ(clientAddress(requestFrom("10.0.0.1", "", "1.1.1.1,2.2.2.2"), trusted), "2.2.2.2");
    EXPECT_EQ(clientAddress(requestFrom("10.0.0.1", "", "2001:db8::1, 2001:db8:ffff::2"), trusted),
              "2001:db8::1");
    EXPECT_EQ(clientAddress(requestFrom("2001:db8:ffff::9", "", "198.51.100.4"), trusted),
              "198.51.100.4");
    // Every hop a trusted proxy: the peer is the best we know.
    EXPECT_EQ(clientAddress(requestFrom("10.0.0.1", "", "10.0.0.7, 10.0.0.5"), trusted),
              "10.0.0.1");
    EXPECT_EQ(clientAddress(requestFrom("10.0.0.1", "", ""), trusted), "10.0.0.1");
}

TEST(ClientAddress, garbageFromATrustedProxyIsRefused) {
    const auto trusted = cidrs({"10.0.0.0/8"});
    for (std::string_view xff : {"garbage", "1.1.1.1, garbage", "unknown, 10.0.0.5", "[1.1.1.1]",
                                 "1.1.1.1 2.2.2.2", "garbage, , "}) {
        EXPECT_EQ(clientAddress(requestFrom("10.0.0.1", "", xff), trusted), std::nullopt) << xff;
    }
    // Empty list elements are no entries (RFC 9110 §5.6.1): skipped, not refused.
    EXPECT_EQ(clientAddress(requestFrom("10.0.0.1", "", ","), trusted), "10.0.0.1");
    EXPECT_EQ(clientAddress(requestFrom("10.0.0.1", "", "2.2.2.2, , 10.0.0.5,"), trusted),
              "2.2.2.2");
    // The forms gateways send are read, port and brackets included.
    EXPECT_EQ(clientAddress(requestFrom("10.0.0.1", "", "1.1.1.1:8080"), trusted), "1.1.1.1:8080");
    EXPECT_EQ(clientAddress(requestFrom("10.0.0.1", "", "[2001:db8::1]:443"), trusted),
              "[2001:db8::1]:443");
    // Garbage to the left of a good entry is never reached.
    EXPECT_EQ(clientAddress(requestFrom("10.0.0.1", "", "garbage, 2.2.2.2"), trusted), "2.2.2.2");
}

TEST_F(GatewayRoutesTest, clientAddressThatIsNoAddressFromATrustedProxyIs400) {
    config.trustedProxies = cidrs({"10.0.0.0/8"});
    loadKeys();
    start();
    Call c;
    c.authorization = "Bearer " + alice;
    c.peer = "10.0.0.1";
    c.realIp = "1.2.3.4:5123";
    EXPECT_EQ(call(c).status, 200);
    c.realIp = "[1.2.3.4]";
    EXPECT_EQ(call(c).status, 400);
}

}  // namespace
}  // namespace rampart::http
