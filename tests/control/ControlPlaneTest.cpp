#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <limits>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>

#include "control/ControlPlane.h"
#include "control/SnapshotBuilder.h"
#include "engine/CheckEngine.h"
#include "jwt/JwksParser.h"
#include "jwt/SigningKey.h"
#include "support/TempDir.h"

namespace rampart::control {
namespace {

using jwt::Algorithm;
using jwt::SigningKey;
using rampart::testing::readFile;
using rampart::testing::TempDir;

constexpr int64_t kStart = 1'700'000'000;
constexpr uint32_t kThirtyDays = 30 * 24 * 3600;
const Actor kOperator{"ops-alice", Role::Operator};

const SigningKey& signingKey() {
    static const SigningKey key = [] {
        auto generated = SigningKey::generate(Algorithm::ES256, "control-test");
        if (!generated.ok()) throw std::runtime_error(std::string(generated.status().message()));
        return std::move(*generated);
    }();
    return key;
}

limits::LimitSet perIpLimit(double rate, double burst) {
    limits::LimitSet set;
    set.perIp = {rate, burst, false};
    return set;
}

class ControlPlaneTest : public ::testing::Test {
protected:
    void SetUp() override {
        auto parsed = jwt::parseJwks(jwt::jwksOf({signingKey().publicJwk()}), {});
        ASSERT_TRUE(parsed.ok()) << parsed.status();
        keys.replace(parsed->keys);
        engine = makeEngine();
        control = makeControl(*engine);
        ASSERT_TRUE(control);
    }

    std::unique_ptr<CheckEngine> makeEngine() {
        return std::make_unique<CheckEngine>(
            CheckEngineOptions{}, keys, [this] { return now.load(); },
            [this] { return monotonicNs.load(); });
    }

    std::unique_ptr<ControlPlane> makeControl(CheckEngine& on) {
        auto plane = std::make_unique<ControlPlane>(on, dir.path().string(), nullptr,
                                                    scaling::ScalingConfig{});
        if (auto started = plane->start(); !started.ok()) {
            ADD_FAILURE() << started;
            return nullptr;
        }
        return plane;
    }

    std::string token(const std::string& subject, const std::string& jti = {}) const {
        std::string claims =
            "{\"sub\":\"" + subject + "\",\"exp\":" + std::to_string(kStart + 86'400);
        if (!jti.empty()) claims += ",\"jti\":\"" + jti + "\"";
        return signingKey().mint(claims + "}");
    }

    static std::string_view verdictOf(CheckEngine& on, const std::string& token,
                                      const std::string& ip = "192.0.2.1") {
        return verdictName(on.check(CheckInput{token, ip, "/api"}).verdict);
    }
    std::string_view verdictOf(const std::string& token, const std::string& ip = "192.0.2.1") {
        return verdictOf(*engine, token, ip);
    }

    std::vector<AuditEntry> auditEntries() const {
        auto entries = control->audit().since(0, 1000);
        EXPECT_TRUE(entries.ok()) << entries.status();
        return entries.ok() ? *entries : std::vector<AuditEntry>{};
    }

    // Declared in dependency order: destroyed control first, the directory last.
    TempDir dir;
    jwt::KeyStore keys;
    std::atomic<int64_t> now{kStart};
    std::atomic<int64_t> monotonicNs{1'000'000'000};
    std::unique_ptr<CheckEngine> engine;
    std::unique_ptr<ControlPlane> control;
};

TEST_F(ControlPlaneTest, updateLimitsBumpsTheRevisionAndAppliesToTheNextCheck) {
    const auto alice = token("alice");
    for (int i = 0; i < 5; ++i) EXPECT_EQ(verdictOf(alice), "ALLOW");
    const uint64_t before = control->limits().revision;

    auto updated = control->updateLimits(kOperator, perIpLimit(1, 2), before, "launch");
    ASSERT_TRUE(updated.ok()) << updated.status();
    EXPECT_EQ(updated->revision, before + 1);
    EXPECT_EQ(control->limits().revision, before + 1);
    EXPECT_EQ(engine->limiter().current().value->revision, before + 1);

    // The monotonic clock is frozen: a burst of 2, then the third check is over the limit.
    const std::string ip = "198.51.100.20";
    EXPECT_EQ(verdictOf(alice, ip), "ALLOW");
    EXPECT_EQ(verdictOf(alice, ip), "ALLOW");
    EXPECT_EQ(verdictOf(alice, ip), "RATE_LIMITED_IP");
}

TEST_F(ControlPlaneTest, staleExpectedRevisionFailsNamingBothRevisions) {
    const uint64_t base = control->limits().revision;
    ASSERT_TRUE(control->updateLimits(kOperator, perIpLimit(10, 10), base, "").ok());

    // A second operator who read the limits before the first change.
    auto stale = control->updateLimits(kOperator, perIpLimit(99, 99), base, "");
    ASSERT_FALSE(stale.ok());
    EXPECT_EQ(stale.status().code(), absl::StatusCode::kFailedPrecondition);
    EXPECT_NE(stale.status().message().find("revision " + std::to_string(base)), std::string::npos)
        << stale.status();
    EXPECT_NE(stale.status().message().find("revision " + std::to_string(base + 1)),
              std::string::npos)
        << stale.status();
    EXPECT_EQ(control->limits().revision, base + 1);
    EXPECT_EQ(control->limits().perIp.rate, 10);
}

TEST_F(ControlPlaneTest, rejectsInvalidLimitsNamingTheField) {
    const uint64_t base = control->limits().revision;
    const auto rejected = [&](limits::LimitSet proposed, const std::string& field) {
        auto result = control->updateLimits(kOperator, std::move(proposed), base, "");
        ASSERT_FALSE(result.ok()) << field;
        EXPECT_EQ(result.status().code(), absl::StatusCode::kInvalidArgument);
        EXPECT_NE(result.status().message().find(field), std::string::npos) << result.status();
    };
    rejected(perIpLimit(-1, 1), "per_ip.rate");
    limits::LimitSet noBurst;
    noBurst.perSubject = {5, 0, false};
    rejected(noBurst, "per_subject.burst");
    limits::LimitSet tooFast;
    tooFast.global = {2e9, 10, false};
    rejected(tooFast, "global.rate");
    limits::LimitSet narrow;
    narrow.ipv6PrefixBits = 8;
    rejected(narrow, "ipv6_prefix");
    EXPECT_EQ(control->limits().revision, base);
    EXPECT_TRUE(auditEntries().empty());
}

// A limit that is off still has its burst saved; NaN or infinity would be written to state.json
// as null, and the next start would refuse the file (found by fuzz/ControlFuzzer.cpp).
TEST_F(ControlPlaneTest, rejectsNonFiniteBurstEvenWhenTheLimitIsOff) {
    const uint64_t base = control->limits().revision;
    for (double burst :
         {std::numeric_limits<double>::infinity(), std::numeric_limits<double>::quiet_NaN()}) {
        auto result = control->updateLimits(kOperator, perIpLimit(0, burst), base, "");
        ASSERT_FALSE(result.ok()) << burst;
        EXPECT_EQ(result.status().code(), absl::StatusCode::kInvalidArgument);
        EXPECT_NE(result.status().message().find("per_ip.burst"), std::string::npos)
            << result.status();
    }
    // What an operator may do instead: switch the limit off with an ordinary burst, and the
    // agent still starts from what was saved.
    ASSERT_TRUE(control->updateLimits(kOperator, perIpLimit(0, 0), base, "").ok());
    control.reset();
    control = makeControl(*engine);
    ASSERT_TRUE(control);
    EXPECT_EQ(control->limits().revision, base + 1);
}

TEST_F(ControlPlaneTest, blockedClientBlockRefusesAddressesInsideItOnly) {
    const auto alice = token("alice");
    auto blocked = control->block(kOperator, BlockTarget::Client, "203.0.113.77/24", 600, "bots");
    ASSERT_TRUE(blocked.ok()) << blocked.status();
    EXPECT_EQ(blocked->value, "203.0.113.0/24");  // normalised
    EXPECT_EQ(blocked->expiresAt, kStart + 600);

    EXPECT_EQ(verdictOf(alice, "203.0.113.9"), "BLOCKED");
    EXPECT_EQ(verdictOf(alice, "203.0.113.255"), "BLOCKED");
    EXPECT_EQ(verdictOf(alice, "203.0.114.1"), "ALLOW");
    EXPECT_EQ(verdictOf(alice, "203.0.112.255"), "ALLOW");
    // Refused before the token is even looked at.
    EXPECT_EQ(verdictOf("not-a-token", "203.0.113.9"), "BLOCKED");
}

TEST_F(ControlPlaneTest, blockedSubjectIsRefusedEvenWithAValidToken) {
    ASSERT_TRUE(control->block(kOperator, BlockTarget::Subject, "mallory", 600, "").ok());
    EXPECT_EQ(verdictOf(token("mallory")), "BLOCKED");
    EXPECT_EQ(verdictOf(token("alice")), "ALLOW");
}

TEST_F(ControlPlaneTest, revokedSubjectIsRefused) {
    const auto mallory = token("mallory", "m-1");
    EXPECT_EQ(verdictOf(mallory), "ALLOW");  // now cached: revocation must still win
    ASSERT_TRUE(control->revoke(kOperator, "mallory", "", 600, "stolen laptop").ok());
    EXPECT_EQ(verdictOf(mallory), "REVOKED");
    EXPECT_EQ(verdictOf(token("mallory", "m-2")), "REVOKED");
    EXPECT_EQ(verdictOf(token("alice")), "ALLOW");
}

TEST_F(ControlPlaneTest, revokedJtiRefusesOnlyThatToken) {
    const auto leaked = token("alice", "t-1");
    const auto other = token("alice", "t-2");
    auto revoked = control->revoke(kOperator, "", "t-1", 600, "");
    ASSERT_TRUE(revoked.ok()) << revoked.status();
    EXPECT_EQ(revoked->until, kStart + 600);
    EXPECT_EQ(verdictOf(leaked), "REVOKED");
    EXPECT_EQ(verdictOf(other), "ALLOW");
    EXPECT_EQ(verdictOf(token("alice")), "ALLOW");  // no jti at all
}

TEST_F(ControlPlaneTest, sweepDropsExpiredEntriesAndAuditsIt) {
    ASSERT_TRUE(control->block(kOperator, BlockTarget::Client, "203.0.113.5", 60, "").ok());
    ASSERT_TRUE(control->block(kOperator, BlockTarget::Subject, "mallory", 60, "").ok());
    ASSERT_TRUE(control->revoke(kOperator, "eve", "", 60, "").ok());
    ASSERT_TRUE(control->revoke(kOperator, "", "t-9", 120, "").ok());
    EXPECT_EQ(verdictOf(token("alice"), "203.0.113.5"), "BLOCKED");
    EXPECT_EQ(verdictOf(token("mallory")), "BLOCKED");
    EXPECT_EQ(verdictOf(token("eve")), "REVOKED");
    EXPECT_EQ(verdictOf(token("bob", "t-9")), "REVOKED");

    now = kStart + 59;
    control->sweep();
    EXPECT_EQ(control->blocks().size(), 2u);
    EXPECT_EQ(control->revocations().size(), 2u);

    now = kStart + 61;
    control->sweep();
    EXPECT_TRUE(control->blocks().empty());
    ASSERT_EQ(control->revocations().size(), 1u);  // the jti revocation runs for 120 s
    EXPECT_EQ(control->revocations()[0].jwtId, "t-9");
    EXPECT_EQ(verdictOf(token("alice"), "203.0.113.5"), "ALLOW");
    EXPECT_EQ(verdictOf(token("mallory")), "ALLOW");
    EXPECT_EQ(verdictOf(token("eve")), "ALLOW");
    EXPECT_EQ(verdictOf(token("bob", "t-9")), "REVOKED");

    now = kStart + 121;
    control->sweep();
    EXPECT_TRUE(control->revocations().empty());
    EXPECT_EQ(verdictOf(token("bob", "t-9")), "ALLOW");

    std::vector<AuditEntry> expiries;
    for (auto& e : auditEntries()) {
        if (e.action == "expire") expiries.push_back(e);
    }
    // The background sweep may have done either expiry itself; what expired is all recorded.
    ASSERT_FALSE(expiries.empty());
    std::string expired;
    for (const auto& e : expiries) {
        EXPECT_EQ(e.actor, "rampart-agent");
        EXPECT_TRUE(nlohmann::json::parse(e.beforeJson).is_array()) << e.beforeJson;
        expired += e.beforeJson;
    }
    for (const char* value : {"203.0.113.5/32", "mallory", "eve", "t-9"}) {
        EXPECT_NE(expired.find(value), std::string::npos) << value << " in " << expired;
    }
}

TEST_F(ControlPlaneTest, secondInstanceRestoresLimitsBlocksAndRevocations) {
    const uint64_t base = control->limits().revision;
    ASSERT_TRUE(control->updateLimits(kOperator, perIpLimit(3, 4), base, "").ok());
    ASSERT_TRUE(control->block(kOperator, BlockTarget::Client, "203.0.113.0/24", 600, "bots").ok());
    ASSERT_TRUE(control->block(kOperator, BlockTarget::Subject, "mallory", 600, "").ok());
    ASSERT_TRUE(control->revoke(kOperator, "eve", "", 600, "").ok());
    ASSERT_TRUE(control->revoke(kOperator, "", "t-1", 600, "").ok());
    control.reset();
    engine.reset();

    // A fresh engine knows none of it: whatever it enforces came from disk.
    engine = makeEngine();
    EXPECT_EQ(verdictOf(token("mallory")), "ALLOW");
    control = makeControl(*engine);
    ASSERT_TRUE(control);

    const auto restored = control->limits();
    EXPECT_EQ(restored.revision, base + 1);
    EXPECT_EQ(restored.perIp, (limits::LimitRule{3, 4, false}));
    EXPECT_EQ(engine->limiter().current().value->revision, base + 1);
    ASSERT_EQ(control->blocks().size(), 2u);
    EXPECT_EQ(control->blocks()[0].value, "203.0.113.0/24");
    EXPECT_EQ(control->blocks()[0].reason, "bots");
    EXPECT_EQ(control->blocks()[0].createdBy, "ops-alice");
    EXPECT_EQ(control->blocks()[0].expiresAt, kStart + 600);
    EXPECT_EQ(control->revocations().size(), 2u);

    EXPECT_EQ(verdictOf(token("alice"), "203.0.113.1"), "BLOCKED");
    EXPECT_EQ(verdictOf(token("mallory")), "BLOCKED");
    EXPECT_EQ(verdictOf(token("eve")), "REVOKED");
    EXPECT_EQ(verdictOf(token("bob", "t-1")), "REVOKED");
    EXPECT_EQ(verdictOf(token("bob", "t-2")), "ALLOW");
}

TEST_F(ControlPlaneTest, corruptStateFileMakesStartFailInsteadOfForgetting) {
    ASSERT_TRUE(control->block(kOperator, BlockTarget::Subject, "mallory", 600, "").ok());
    control.reset();
    const auto statePath = dir.file("state.json");
    const std::string whole = readFile(statePath);
    const std::string torn = whole.substr(0, whole.size() / 2);
    dir.write("state.json", torn);

    ControlPlane second(*engine, dir.path().string(), nullptr, {});
    const auto started = second.start();
    ASSERT_FALSE(started.ok());
    EXPECT_EQ(started.code(), absl::StatusCode::kDataLoss) << started;
    EXPECT_NE(started.message().find(statePath.string()), std::string::npos) << started;
    // The evidence is left for the operator, not overwritten.
    EXPECT_EQ(readFile(statePath), torn);

    dir.write("state.json", R"({"format":1,"limits":{"per_ip":{"rate":1}}})");
    ControlPlane third(*engine, dir.path().string(), nullptr, {});
    EXPECT_EQ(third.start().code(), absl::StatusCode::kDataLoss);
}

TEST_F(ControlPlaneTest, changeThatCannotBePersistedIsRefusedAndNotApplied) {
    // The temp file's name taken by a directory: the write fails however privileged we are.
    std::filesystem::create_directory(dir.file("state.json.tmp"));
    const uint64_t base = control->limits().revision;
    auto updated = control->updateLimits(kOperator, perIpLimit(1, 1), base, "");
    ASSERT_FALSE(updated.ok());
    EXPECT_EQ(updated.status().code(), absl::StatusCode::kUnavailable);
    EXPECT_EQ(control->limits().revision, base);
    EXPECT_EQ(engine->limiter().current().value->revision, base);

    auto blocked = control->block(kOperator, BlockTarget::Subject, "mallory", 60, "");
    ASSERT_FALSE(blocked.ok());
    EXPECT_EQ(verdictOf(token("mallory")), "ALLOW");
    EXPECT_TRUE(control->blocks().empty());
    // The refused attempt is still in the audit log, with why.
    const auto entries = auditEntries();
    ASSERT_EQ(entries.size(), 2u);
    EXPECT_NE(entries[0].result, "ok");
}

TEST_F(ControlPlaneTest, auditEntriesCarryActorRoleActionBeforeAndAfter) {
    const uint64_t base = control->limits().revision;
    ASSERT_TRUE(control->updateLimits(kOperator, perIpLimit(7, 8), base, "launch day").ok());
    ASSERT_TRUE(
        control
            ->block({"ops-bob", Role::Operator}, BlockTarget::Client, "203.0.113.5", 60, "scraper")
            .ok());
    ASSERT_TRUE(
        control->unblock(kOperator, BlockTarget::Client, "203.0.113.5", "false alarm").ok());
    ASSERT_TRUE(control->revoke(kOperator, "eve", "", 60, "").ok());

    const auto entries = auditEntries();
    ASSERT_EQ(entries.size(), 4u);
    const auto& limitsEntry = entries[0];
    EXPECT_EQ(limitsEntry.actor, "ops-alice");
    EXPECT_EQ(limitsEntry.role, "operator");
    EXPECT_EQ(limitsEntry.action, "update_limits: launch day");
    EXPECT_EQ(limitsEntry.result, "ok");
    EXPECT_GT(limitsEntry.timeUnixMs, 0);
    const auto before = nlohmann::json::parse(limitsEntry.beforeJson);
    const auto after = nlohmann::json::parse(limitsEntry.afterJson);
    EXPECT_EQ(before["revision"], base);
    EXPECT_EQ(before["per_ip"]["rate"], 0.0);
    EXPECT_EQ(after["revision"], base + 1);
    EXPECT_EQ(after["per_ip"]["rate"], 7.0);
    EXPECT_EQ(after["per_ip"]["burst"], 8.0);

    EXPECT_EQ(entries[1].actor, "ops-bob");
    EXPECT_EQ(entries[1].action, "block");
    EXPECT_TRUE(entries[1].beforeJson.empty());
    EXPECT_EQ(nlohmann::json::parse(entries[1].afterJson)["value"], "203.0.113.5/32");
    EXPECT_EQ(nlohmann::json::parse(entries[1].afterJson)["reason"], "scraper");

    EXPECT_EQ(entries[2].action, "unblock: false alarm");
    EXPECT_EQ(nlohmann::json::parse(entries[2].beforeJson)["value"], "203.0.113.5/32");
    EXPECT_TRUE(entries[2].afterJson.empty());

    EXPECT_EQ(entries[3].action, "revoke");
    EXPECT_EQ(nlohmann::json::parse(entries[3].afterJson)["subject"], "eve");
}

TEST_F(ControlPlaneTest, rejectsRequestsOutOfBounds) {
    const std::string longest(512, 'r');
    const std::string tooLong(513, 'r');
    const auto invalid = [](const auto& result) {
        return !result.ok() && result.status().code() == absl::StatusCode::kInvalidArgument;
    };
    const auto client = BlockTarget::Client;
    const auto subject = BlockTarget::Subject;
    EXPECT_TRUE(invalid(control->block(kOperator, client, "203.0.113.1", 60, tooLong)));
    EXPECT_TRUE(invalid(control->block(kOperator, client, "203.0.113.1", 0, "")));
    EXPECT_TRUE(invalid(control->block(kOperator, client, "203.0.113.1", kThirtyDays + 1, "")));
    EXPECT_TRUE(invalid(control->block(kOperator, client, "not an address", 60, "")));
    EXPECT_TRUE(invalid(control->block(kOperator, subject, "", 60, "")));
    EXPECT_TRUE(invalid(control->block(kOperator, subject, std::string(257, 's'), 60, "")));
    EXPECT_TRUE(invalid(control->block(kOperator, subject, "line\nbreak", 60, "")));
    EXPECT_TRUE(invalid(control->revoke(kOperator, "", "", 60, "")));
    EXPECT_TRUE(invalid(control->revoke(kOperator, "eve", "t-1", 60, "")));
    EXPECT_TRUE(invalid(control->revoke(kOperator, "eve", "", 0, "")));
    EXPECT_TRUE(invalid(control->revoke(kOperator, "eve", "", kThirtyDays + 1, "")));
    EXPECT_TRUE(invalid(control->revoke(kOperator, "eve", "", 60, tooLong)));
    EXPECT_TRUE(invalid(control->updateLimits(kOperator, {}, control->limits().revision, tooLong)));
    ASSERT_TRUE(control->block(kOperator, client, "203.0.113.9", 60, "").ok());
    EXPECT_TRUE(invalid(control->unblock(kOperator, client, "203.0.113.9", tooLong)));
    EXPECT_TRUE(invalid(control->unblock(kOperator, client, "203.0.113.9", "bell\a")));
    ASSERT_EQ(control->blocks().size(), 1u);
    ASSERT_TRUE(control->unblock(kOperator, client, "203.0.113.9", "").ok());
    ASSERT_EQ(auditEntries().size(), 2u);  // the block and the one unblock that was allowed
    EXPECT_TRUE(control->blocks().empty());
    EXPECT_TRUE(control->revocations().empty());

    // The bounds themselves are allowed.
    EXPECT_TRUE(control->block(kOperator, client, "203.0.113.1", kThirtyDays, longest).ok());
    EXPECT_TRUE(control->block(kOperator, subject, std::string(256, 's'), 1, "").ok());
    EXPECT_TRUE(control->revoke(kOperator, "eve", "", kThirtyDays, longest).ok());
}

TEST_F(ControlPlaneTest, scaleWithoutBackendFailsPrecondition) {
    auto scaled = control->scale(kOperator, 2, "");
    ASSERT_FALSE(scaled.ok());
    EXPECT_EQ(scaled.status().code(), absl::StatusCode::kFailedPrecondition);
    EXPECT_EQ(control->cachedScaleStatus().backend, "none");
}

TEST_F(ControlPlaneTest, snapshotNamesOffendersOfTheLastWholeSecond) {
    SnapshotBuilder builder(*engine, *control);
    for (int i = 0; i < 5; ++i) EXPECT_EQ(verdictOf("garbage", "198.51.100.66"), "INVALID_TOKEN");
    EXPECT_EQ(verdictOf(token("alice"), "198.51.100.1"), "ALLOW");

    // Just past a second boundary the current second is nearly empty; the offenders of the
    // second before must still show.
    now = kStart + 1;
    v1::Snapshot snapshot;
    builder.next(snapshot);
    EXPECT_EQ(snapshot.sequence(), 1u);
    EXPECT_EQ(snapshot.interval().invalid_token(), 5u);
    EXPECT_EQ(snapshot.interval().allow(), 1u);
    ASSERT_EQ(snapshot.top_client_ips_size(), 1);
    EXPECT_EQ(snapshot.top_client_ips(0).key(), "198.51.100.66");
    EXPECT_EQ(snapshot.top_client_ips(0).denials(), 5u);

    now = kStart + 3;
    snapshot.Clear();
    builder.next(snapshot);
    EXPECT_EQ(snapshot.sequence(), 2u);
    EXPECT_EQ(snapshot.interval().invalid_token(), 0u);
    EXPECT_EQ(snapshot.total().invalid_token(), 5u);
    EXPECT_EQ(snapshot.top_client_ips_size(), 0);
}

// An acknowledged change always has its audit entry: if the entry cannot be written, the change
// is refused and nothing of it takes effect.
TEST_F(ControlPlaneTest, changeWhoseAuditEntryCannotBeWrittenIsRefusedAndNotApplied) {
    const uint64_t base = control->limits().revision;
    // The audit log's name taken by a directory: the append fails however privileged we are.
    std::filesystem::remove(dir.file("audit.log"));
    std::filesystem::create_directory(dir.file("audit.log"));
    auto updated = control->updateLimits(kOperator, perIpLimit(1, 1), base, "");
    ASSERT_FALSE(updated.ok());
    EXPECT_EQ(updated.status().code(), absl::StatusCode::kUnavailable);
    EXPECT_EQ(control->limits().revision, base);
    EXPECT_EQ(engine->limiter().current().value->revision, base);
    auto revoked = control->revoke(kOperator, "eve", "", 600, "");
    ASSERT_FALSE(revoked.ok());
    EXPECT_EQ(verdictOf(token("eve")), "ALLOW");

    // Nothing of the refused changes survives a restart either.
    control.reset();
    std::filesystem::remove(dir.file("audit.log"));
    auto restarted = makeEngine();
    auto again = makeControl(*restarted);
    ASSERT_TRUE(again);
    EXPECT_EQ(again->limits().revision, base);
    EXPECT_TRUE(again->revocations().empty());
}

// The instants a kill -9 can hit: after a change's journal line and before its audit entry, and
// in the middle of the journal line itself.
TEST_F(ControlPlaneTest, changeKilledBeforeItsAuditEntryIsInForceAndAuditedAfterARestart) {
    ASSERT_TRUE(control->revoke(kOperator, "eve", "", 600, "").ok());
    ASSERT_TRUE(control->revoke(kOperator, "mallory", "", 600, "").ok());
    control.reset();
    // The process died after mallory's journal line, before its audit entry.
    const std::string audit = readFile(dir.file("audit.log"));
    dir.write("audit.log", audit.substr(0, audit.find('\n') + 1));

    auto engine2 = makeEngine();
    auto second = makeControl(*engine2);
    ASSERT_TRUE(second);
    EXPECT_EQ(verdictOf(*engine2, token("mallory")), "REVOKED");
    const auto entries = second->audit().since(0, 100);
    ASSERT_TRUE(entries.ok());
    ASSERT_EQ(entries->size(), 2u);
    EXPECT_EQ((*entries)[1].seq, 2u);
    EXPECT_NE((*entries)[1].afterJson.find("mallory"), std::string::npos);
    EXPECT_NE((*entries)[1].result.find("written at the next start"), std::string::npos);
    // Numbering goes on without a gap or a repeat.
    ASSERT_TRUE(second->revoke(kOperator, "trudy", "", 600, "").ok());
    EXPECT_EQ(second->audit().lastSeq(), 3u);
}

TEST_F(ControlPlaneTest, journalLineTornByAKillWasNeverMade) {
    ASSERT_TRUE(control->revoke(kOperator, "eve", "", 600, "").ok());
    control.reset();
    const std::string journal = readFile(dir.file("state.journal"));
    dir.write("state.journal", journal + R"({"seq":2,"revocations_set":[{"subject":"mall)");
    auto engine2 = makeEngine();
    auto second = makeControl(*engine2);
    ASSERT_TRUE(second);
    EXPECT_EQ(verdictOf(*engine2, token("eve")), "REVOKED");
    EXPECT_EQ(verdictOf(*engine2, token("mallory")), "ALLOW");
    EXPECT_EQ(second->revocations().size(), 1u);
    // The torn line is gone, so the next change is read back whole.
    ASSERT_TRUE(second->revoke(kOperator, "trudy", "", 600, "").ok());
    second.reset();
    auto engine3 = makeEngine();
    auto third = makeControl(*engine3);
    ASSERT_TRUE(third);
    EXPECT_EQ(verdictOf(*engine3, token("trudy")), "REVOKED");
    EXPECT_EQ(third->revocations().size(), 2u);
}

// A revocation is a line in the journal, not a rewrite of every revocation in state.json.
TEST_F(ControlPlaneTest, changesAppendToTheJournalAndSurviveARestartInOrder) {
    ASSERT_TRUE(control->revoke(kOperator, "first", "", 600, "").ok());
    const std::string snapshot = readFile(dir.file("state.json"));
    for (int i = 0; i < 20; ++i) {
        ASSERT_TRUE(control->revoke(kOperator, "user-" + std::to_string(i), "", 600, "").ok());
    }
    ASSERT_TRUE(control->block(kOperator, BlockTarget::Client, "198.51.100.0/24", 600, "").ok());
    ASSERT_TRUE(control->unblock(kOperator, BlockTarget::Client, "198.51.100.0/24", "").ok());
    ASSERT_TRUE(control->block(kOperator, BlockTarget::Subject, "mallory", 600, "").ok());
    EXPECT_EQ(readFile(dir.file("state.json")), snapshot);
    const auto before = control->revocations();
    const auto blocksBefore = control->blocks();
    control.reset();

    auto engine2 = makeEngine();
    auto second = makeControl(*engine2);
    ASSERT_TRUE(second);
    const auto after = second->revocations();
    ASSERT_EQ(after.size(), before.size());
    for (size_t i = 0; i < after.size(); ++i) EXPECT_EQ(after[i].subject, before[i].subject);
    ASSERT_EQ(second->blocks().size(), 1u);
    EXPECT_EQ(second->blocks()[0].value, blocksBefore[0].value);
    EXPECT_EQ(verdictOf(*engine2, token("user-7")), "REVOKED");
    EXPECT_EQ(verdictOf(*engine2, token("mallory")), "BLOCKED");
    // Each start begins from a snapshot holding all of it, and an empty journal.
    EXPECT_EQ(readFile(dir.file("state.journal")), "");
}

// Deleting state.json returns to the configured limits; the journal beside it goes with it.
TEST_F(ControlPlaneTest, journalWithoutItsSnapshotIsIgnored) {
    ASSERT_TRUE(control->revoke(kOperator, "eve", "", 600, "").ok());
    ASSERT_TRUE(control->revoke(kOperator, "mallory", "", 600, "").ok());
    control.reset();
    std::filesystem::remove(dir.file("state.json"));
    auto engine2 = makeEngine();
    auto second = makeControl(*engine2);
    ASSERT_TRUE(second);
    EXPECT_TRUE(second->revocations().empty());
    EXPECT_EQ(verdictOf(*engine2, token("mallory")), "ALLOW");
}

// A crash mid-append leaves half a line; the next entry must not be glued to it.
TEST_F(ControlPlaneTest, entryAfterATornAuditLineIsKept) {
    ASSERT_TRUE(control->revoke(kOperator, "eve", "", 600, "").ok());
    control.reset();
    const std::string audit = readFile(dir.file("audit.log"));
    dir.write("audit.log", audit + R"({"seq":2,"time_unix_ms":17000)");
    auto engine2 = makeEngine();
    auto second = makeControl(*engine2);
    ASSERT_TRUE(second);
    ASSERT_TRUE(second->revoke(kOperator, "mallory", "", 600, "").ok());
    second.reset();
    auto engine3 = makeEngine();
    auto third = makeControl(*engine3);
    ASSERT_TRUE(third);
    const auto entries = third->audit().since(0, 100);
    ASSERT_TRUE(entries.ok());
    ASSERT_EQ(entries->size(), 2u);
    EXPECT_NE((*entries)[1].afterJson.find("mallory"), std::string::npos);
}

// A value an operator could not set must not be able to stop a node from starting unexplained.
TEST_F(ControlPlaneTest, stateWithALimitThatIsNoNumberFailsToLoadSayingHowToRecover) {
    control.reset();
    dir.write("state.json", R"({"format":1,"limits":{"per_ip":{"rate":0,"burst":null},
        "per_subject":{"rate":0,"burst":1},"global":{"rate":0,"burst":1},"ipv6_prefix":64,
        "blocklist":[],"allowlist":[],"revision":3},"blocks":[],"revocations":[]})");
    auto engine2 = makeEngine();
    ControlPlane plane(*engine2, dir.path().string(), nullptr, {});
    const auto started = plane.start();
    EXPECT_EQ(started.code(), absl::StatusCode::kDataLoss);
    EXPECT_NE(started.message().find("away to start from the configured limits"), std::string::npos)
        << started;

    // A finite value an older agent accepted is kept (the GCRA saturates), so an upgrade starts.
    dir.write("state.json", R"({"format":1,"limits":{"per_ip":{"rate":0.1,"burst":1e9},
        "per_subject":{"rate":0,"burst":1},"global":{"rate":0,"burst":1},"ipv6_prefix":64,
        "blocklist":[],"allowlist":[],"revision":3},"blocks":[],"revocations":[]})");
    ControlPlane second(*engine2, dir.path().string(), nullptr, {});
    ASSERT_TRUE(second.start().ok());
    EXPECT_EQ(second.limits().revision, 3u);
    EXPECT_EQ(verdictOf(*engine2, token("alice"), "192.0.2.9"), "ALLOW");
}

// NaN in a rule that is off used to be accepted, saved as null, and refused at the next start.
TEST_F(ControlPlaneTest, nonFiniteOrOverflowingLimitsAreRefusedAtTheDoor) {
    const uint64_t base = control->limits().revision;
    const double nan = std::numeric_limits<double>::quiet_NaN();
    const double inf = std::numeric_limits<double>::infinity();
    for (const auto& rule :
         {limits::LimitRule{0, nan, false}, limits::LimitRule{nan, 1, false},
          limits::LimitRule{inf, 1, false}, limits::LimitRule{1, inf, false},
          limits::LimitRule{1e-11, 1, false}, limits::LimitRule{0.1, 1e9, false}}) {
        limits::LimitSet set;
        set.perSubject = rule;
        const auto updated = control->updateLimits(kOperator, set, base, "");
        EXPECT_EQ(updated.status().code(), absl::StatusCode::kInvalidArgument)
            << rule.rate << " " << rule.burst;
    }
    EXPECT_EQ(control->limits().revision, base);
}

TEST_F(ControlPlaneTest, secondAgentOnTheSameStateDirectoryIsRefused) {
    auto engine2 = makeEngine();
    ControlPlane rival(*engine2, dir.path().string(), nullptr, {});
    const auto started = rival.start();
    EXPECT_EQ(started.code(), absl::StatusCode::kFailedPrecondition) << started;
    // The first keeps working, and once it is gone the directory is free.
    ASSERT_TRUE(control->revoke(kOperator, "eve", "", 600, "").ok());
    control.reset();
    ControlPlane next(*engine2, dir.path().string(), nullptr, {});
    ASSERT_TRUE(next.start().ok());
    EXPECT_EQ(next.revocations().size(), 1u);
}

// A data-plane caller chooses the client address: whatever bytes it sends, a snapshot's strings
// must be valid UTF-8 or no Watch client can parse it.
// The engine refuses such an address and lists offenders by the address it parsed, so the bytes
// never reach the list at all.
TEST_F(ControlPlaneTest, snapshotOffenderKeysAreValidUtf8) {
    SnapshotBuilder builder(*engine, *control);
    EXPECT_EQ(verdictOf("garbage", "198.51.100.\xff"), "BLOCKED");
    EXPECT_EQ(verdictOf("garbage", "198.51.100.7:4431"), "INVALID_TOKEN");
    now = kStart + 1;
    v1::Snapshot snapshot;
    builder.next(snapshot);
    ASSERT_EQ(snapshot.top_client_ips_size(), 1);
    EXPECT_EQ(snapshot.top_client_ips(0).key(), "198.51.100.7");
}

TEST_F(ControlPlaneTest, auditPagesBackwardsFromTheNewest) {
    for (int i = 0; i < 5; ++i) {
        AuditEntry entry;
        entry.timeUnixMs = 1000 + i;
        entry.action = "action-" + std::to_string(i);
        ASSERT_TRUE(control->audit().append(entry).ok());
    }
    const auto actions = [](const AuditLog::Page& page) {
        std::string text;
        for (const auto& [offset, e] : page.entries) text += e.action + " ";
        return text;
    };
    auto newest = control->audit().pageBefore(0, UINT64_MAX, 2);
    ASSERT_TRUE(newest.ok());
    EXPECT_EQ(actions(*newest), "action-3 action-4 ");
    EXPECT_TRUE(newest->more);
    auto older = control->audit().pageBefore(0, newest->entries.front().first, 2);
    ASSERT_TRUE(older.ok());
    EXPECT_EQ(actions(*older), "action-1 action-2 ");
    EXPECT_TRUE(older->more);
    auto oldest = control->audit().pageBefore(0, older->entries.front().first, 2);
    ASSERT_TRUE(oldest.ok());
    EXPECT_EQ(actions(*oldest), "action-0 ");
    EXPECT_FALSE(oldest->more);

    // `since` still applies; an offset past the end (the file was truncated) is an empty page.
    auto recent = control->audit().pageBefore(1003, UINT64_MAX, 10);
    EXPECT_EQ(actions(*recent), "action-3 action-4 ");
    EXPECT_FALSE(recent->more);
    auto stale = control->audit().pageBefore(0, 1u << 30, 10);
    EXPECT_TRUE(stale->entries.empty());
    EXPECT_FALSE(stale->more);
}

// Rotation by rename (logrotate's default): the new file's pages never meet the old file's
// offsets, so paging neither repeats nor skips an entry.
TEST_F(ControlPlaneTest, auditRotatedByRenamePagesOnlyTheNewFileWithoutRepeats) {
    for (int i = 0; i < 5; ++i)
        ASSERT_TRUE(control->revoke(kOperator, "old-" + std::to_string(i), "", 600, "").ok());
    std::filesystem::rename(dir.file("audit.log"), dir.file("audit.log.1"));
    for (int i = 0; i < 7; ++i)
        ASSERT_TRUE(control->revoke(kOperator, "new-" + std::to_string(i), "", 600, "").ok());
    std::vector<std::string> seen;
    uint64_t before = UINT64_MAX;
    for (int pages = 0; pages < 10; ++pages) {
        auto page = control->audit().pageBefore(0, before, 3);
        ASSERT_TRUE(page.ok());
        for (const auto& [offset, e] : page->entries) seen.push_back(e.afterJson);
        if (!page->more || page->entries.empty()) break;
        before = page->entries.front().first;
    }
    ASSERT_EQ(seen.size(), 7u);
    std::sort(seen.begin(), seen.end());
    EXPECT_EQ(std::unique(seen.begin(), seen.end()), seen.end());
    for (const auto& after : seen) EXPECT_NE(after.find("new-"), std::string::npos) << after;
    // Numbering goes on across the rotation.
    EXPECT_EQ(control->audit().lastSeq(), 12u);
}

// A counter near 2^64 is no real history: the next change would wrap it and be lost on restart.
TEST_F(ControlPlaneTest, stateWithACounterNearItsTopFailsToLoad) {
    control.reset();
    dir.write(
        "state.json",
        R"({"format":1,"audit_seq":18446744073709551615,"limits":{"per_ip":{"rate":0,"burst":1},
        "per_subject":{"rate":0,"burst":1},"global":{"rate":0,"burst":1},"ipv6_prefix":64,
        "blocklist":[],"allowlist":[],"revision":3},"blocks":[],"revocations":[]})");
    auto engine2 = makeEngine();
    ControlPlane plane(*engine2, dir.path().string(), nullptr, {});
    EXPECT_EQ(plane.start().code(), absl::StatusCode::kDataLoss);
}

}  // namespace
}  // namespace rampart::control
