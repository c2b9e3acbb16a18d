#include <gtest/gtest.h>
#include <linux/capability.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "control/StateFile.h"
#include "control/StateJournal.h"
#include "support/TempDir.h"

namespace rampart::control {
namespace {

using rampart::testing::readFile;
using rampart::testing::TempDir;

ControlState sampleState(uint64_t revision) {
    ControlState state;
    state.limits.perIp = {100, 200, false};
    state.limits.perSubject = {5.5, 11, true};
    state.limits.global = {0, 0, false};
    state.limits.ipv6PrefixBits = 56;
    state.limits.blocklist = limits::CidrList(
        {*limits::Cidr::parse("203.0.113.0/24"), *limits::Cidr::parse("2001:db8::/32")});
    state.limits.allowlist = limits::CidrList({*limits::Cidr::parse("10.0.0.1")});
    state.limits.revision = revision;
    state.blocks.push_back({BlockTarget::Client, "198.51.100.0/24", 1'700'000'600,
                            "scraper \"quoted\" \\ é", "operator", 1'700'000'000});
    state.blocks.push_back(
        {BlockTarget::Subject, "mallory", 1'700'000'900, "", "ops", 1'700'000'100});
    state.revocations.push_back(
        {"eve", "", 1'700'003'600, "stolen laptop", "operator", 1'700'000'000});
    state.revocations.push_back({"", "jti-123", 1'700'007'200, "", "operator", 1'700'000'001});
    state.scaleDesired = 3;
    return state;
}

std::vector<std::string> cidrs(const limits::CidrList& list) {
    std::vector<std::string> out;
    for (const auto& block : list.blocks()) out.push_back(block.toString());
    return out;
}

void expectSameState(const ControlState& a, const ControlState& b) {
    EXPECT_EQ(a.limits.perIp, b.limits.perIp);
    EXPECT_EQ(a.limits.perSubject, b.limits.perSubject);
    EXPECT_EQ(a.limits.global, b.limits.global);
    EXPECT_EQ(a.limits.ipv6PrefixBits, b.limits.ipv6PrefixBits);
    EXPECT_EQ(cidrs(a.limits.blocklist), cidrs(b.limits.blocklist));
    EXPECT_EQ(cidrs(a.limits.allowlist), cidrs(b.limits.allowlist));
    EXPECT_EQ(a.limits.revision, b.limits.revision);
    EXPECT_EQ(a.scaleDesired, b.scaleDesired);
    ASSERT_EQ(a.blocks.size(), b.blocks.size());
    for (size_t i = 0; i < a.blocks.size(); ++i) {
        EXPECT_EQ(a.blocks[i].kind, b.blocks[i].kind);
        EXPECT_EQ(a.blocks[i].value, b.blocks[i].value);
        EXPECT_EQ(a.blocks[i].expiresAt, b.blocks[i].expiresAt);
        EXPECT_EQ(a.blocks[i].reason, b.blocks[i].reason);
        EXPECT_EQ(a.blocks[i].createdBy, b.blocks[i].createdBy);
        EXPECT_EQ(a.blocks[i].createdAt, b.blocks[i].createdAt);
    }
    ASSERT_EQ(a.revocations.size(), b.revocations.size());
    for (size_t i = 0; i < a.revocations.size(); ++i) {
        EXPECT_EQ(a.revocations[i].subject, b.revocations[i].subject);
        EXPECT_EQ(a.revocations[i].jwtId, b.revocations[i].jwtId);
        EXPECT_EQ(a.revocations[i].until, b.revocations[i].until);
        EXPECT_EQ(a.revocations[i].reason, b.revocations[i].reason);
        EXPECT_EQ(a.revocations[i].createdBy, b.revocations[i].createdBy);
        EXPECT_EQ(a.revocations[i].createdAt, b.revocations[i].createdAt);
    }
}

std::vector<std::string> filesIn(const std::filesystem::path& dir) {
    std::vector<std::string> names;
    for (const auto& entry : std::filesystem::directory_iterator(dir)) {
        names.push_back(entry.path().filename().string());
    }
    std::sort(names.begin(), names.end());
    return names;
}

// Runs `body` on a thread without the capabilities that let root write anywhere (capabilities
// are per thread on Linux), so a read-only directory is read-only for it too.
template <typename Body>
bool runWithoutDacOverride(Body body) {
    bool dropped = false;
    std::thread([&] {
        __user_cap_header_struct header{_LINUX_CAPABILITY_VERSION_3, 0};
        __user_cap_data_struct data[2]{};
        if (syscall(SYS_capget, &header, data) != 0) return;
        for (int cap : {CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH, CAP_FOWNER}) {
            data[cap / 32].effective &= ~(1u << (cap % 32));
        }
        if (syscall(SYS_capset, &header, data) != 0) return;
        dropped = true;
        body();
    }).join();
    return dropped;
}

TEST(StateFileTest, roundTripsEveryField) {
    TempDir dir;
    const auto path = dir.file("state.json").string();
    const auto state = sampleState(42);
    ASSERT_TRUE(saveState(path, state).ok());
    auto loaded = loadState(path);
    ASSERT_TRUE(loaded.ok()) << loaded.status();
    expectSameState(*loaded, state);

    // Saving again replaces the whole file.
    ControlState empty;
    empty.limits.revision = 43;
    ASSERT_TRUE(saveState(path, empty).ok());
    loaded = loadState(path);
    ASSERT_TRUE(loaded.ok()) << loaded.status();
    expectSameState(*loaded, empty);
}

TEST(StateFileTest, missingFileIsNotFoundAndGarbageIsDataLoss) {
    TempDir dir;
    EXPECT_EQ(loadState(dir.file("state.json").string()).status().code(),
              absl::StatusCode::kNotFound);
    dir.write("state.json", "{\"format\":1,\"limits\":");
    const auto torn = loadState(dir.file("state.json").string());
    EXPECT_EQ(torn.status().code(), absl::StatusCode::kDataLoss);
    EXPECT_NE(torn.status().message().find("state.json"), std::string::npos) << torn.status();
    dir.write("state.json", R"({"format":1,"limits":{"per_ip":{"rate":1,"burst":1}}})");
    EXPECT_EQ(loadState(dir.file("state.json").string()).status().code(),
              absl::StatusCode::kDataLoss);
}

// Integers that do not fit their field are refused, not cast: 1e30 into an int64 was undefined
// behaviour and -1 wrapped into the revision (found by fuzz/StateFileFuzzer.cpp).
TEST(StateFileTest, integerOutOfRangeIsDataLossNotACast) {
    TempDir dir;
    const auto path = dir.file("state.json").string();
    ASSERT_TRUE(saveState(path, sampleState(7)).ok());
    const std::string good = readFile(path);
    for (const auto& [from, to] : std::vector<std::pair<std::string, std::string>>{
             {"\"created_at\": 1700000000", "\"created_at\": 1e30"},
             {"\"until\": 1700003600", "\"until\": 17000036000000000000000"},
             {"\"revision\": 7", "\"revision\": -1"},
             {"\"ipv6_prefix\": 56", "\"ipv6_prefix\": 4294967352"},
             {"\"scale_desired\": 3", "\"scale_desired\": 2.5"}}) {
        std::string edited = good;
        const size_t at = edited.find(from);
        ASSERT_NE(at, std::string::npos) << from << " in " << good;
        dir.write("state.json", edited.replace(at, from.size(), to));
        const auto loaded = loadState(path);
        EXPECT_EQ(loaded.status().code(), absl::StatusCode::kDataLoss) << to;
        const auto field = from.substr(0, from.find(':'));
        EXPECT_NE(loaded.status().message().find(field), std::string::npos) << loaded.status();
    }
}

TEST(StateFileTest, leavesNoTempFileAndKeepsTheStatePrivate) {
    TempDir dir;
    const auto path = dir.file("state.json");
    // A temp file left by a crash mid-write is simply overwritten.
    dir.write("state.json.tmp", "half a state");
    ASSERT_TRUE(std::filesystem::exists(dir.file("state.json.tmp")));
    for (uint64_t revision = 1; revision <= 3; ++revision) {
        ASSERT_TRUE(saveState(path.string(), sampleState(revision)).ok());
        EXPECT_EQ(filesIn(dir.path()), std::vector<std::string>{"state.json"});
    }
    struct stat info {};
    ASSERT_EQ(::stat(path.c_str(), &info), 0);
    EXPECT_EQ(info.st_mode & 0777, 0600u);  // it names who is blocked and why
}

TEST(StateFileTest, readersSeeTheOldStateOrTheNewNeverAMixture) {
    TempDir dir;
    const auto path = dir.file("state.json").string();
    ControlState small;
    small.limits.revision = 1;
    const auto large = sampleState(2);
    ASSERT_TRUE(saveState(path, small).ok());

    std::atomic<bool> done{false};
    std::atomic<int> failedWrites{0};
    std::thread writer([&] {
        for (int i = 0; i < 300; ++i) {
            if (!saveState(path, i % 2 ? small : large).ok()) ++failedWrites;
        }
        done = true;
    });
    int reads = 0;
    while (!done) {
        auto loaded = loadState(path);
        if (!loaded.ok()) {
            ADD_FAILURE() << loaded.status();
            break;
        }
        if (loaded->limits.revision == 1) {
            EXPECT_TRUE(loaded->blocks.empty());
        } else {
            EXPECT_EQ(loaded->limits.revision, 2u);
            EXPECT_EQ(loaded->blocks.size(), 2u);
            EXPECT_EQ(loaded->revocations.size(), 2u);
        }
        ++reads;
    }
    writer.join();
    EXPECT_EQ(failedWrites.load(), 0);
    EXPECT_GT(reads, 0);
}

TEST(StateFileTest, failedWriteToUnwritableDirectoryKeepsTheOldFile) {
    TempDir dir;
    const auto stateDir = dir.file("state");
    std::filesystem::create_directory(stateDir);
    const auto path = (stateDir / "state.json").string();
    const auto old = sampleState(7);
    ASSERT_TRUE(saveState(path, old).ok());
    const std::string oldText = readFile(path);

    std::filesystem::permissions(
        stateDir, std::filesystem::perms::owner_read | std::filesystem::perms::owner_exec);
    absl::Status failed;
    const auto attempt = [&] { failed = saveState(path, sampleState(8)); };
    if (::geteuid() == 0) {
        ASSERT_TRUE(runWithoutDacOverride(attempt)) << "cannot drop CAP_DAC_OVERRIDE";
    } else {
        attempt();
    }
    std::filesystem::permissions(stateDir, std::filesystem::perms::owner_all);

    ASSERT_FALSE(failed.ok());
    // Says what could not be written and why.
    EXPECT_NE(failed.message().find(path + ".tmp"), std::string::npos) << failed;
    EXPECT_NE(failed.message().find("Permission denied"), std::string::npos) << failed;
    EXPECT_EQ(readFile(path), oldText);
    auto loaded = loadState(path);
    ASSERT_TRUE(loaded.ok()) << loaded.status();
    expectSameState(*loaded, old);
    EXPECT_EQ(filesIn(stateDir), std::vector<std::string>{"state.json"});
}

TEST(StateFileTest, jsonFormsAreWhatTheAuditLogAndRampartctlShow) {
    const auto state = sampleState(5);
    EXPECT_EQ(blockToJson(state.blocks[1]),
              R"({"created_at":1700000100,"created_by":"ops","expires_at":1700000900,)"
              R"("kind":"subject","reason":"","value":"mallory"})");
    EXPECT_EQ(revocationToJson(state.revocations[1]),
              R"({"created_at":1700000001,"created_by":"operator","jti":"jti-123",)"
              R"("reason":"","subject":"","until":1700007200})");
    EXPECT_NE(limitsToJson(state.limits).find(R"("revision":5)"), std::string::npos);
}

TEST(StateJournalTest, changesReadBackInOrderAndDropLastTakesBackOnlyTheLast) {
    TempDir dir;
    const std::string path = dir.file("state.journal").string();
    StateJournal journal(path);
    StateChange first;
    first.seq = 1;
    first.revocationsSet.push_back({"eve", "", 1'700'003'600, "stolen \xff laptop", "op", 1});
    StateChange second;
    second.seq = 2;
    second.limits = sampleState(4).limits;
    second.blocksRemoved.push_back(sampleState(4).blocks[0]);
    ASSERT_TRUE(journal.append(first).ok());
    ASSERT_TRUE(journal.append(second).ok());
    auto read = StateJournal::read(path);
    ASSERT_TRUE(read.ok()) << read.status();
    ASSERT_EQ(read->size(), 2u);
    EXPECT_EQ((*read)[0].revocationsSet.at(0).subject, "eve");
    EXPECT_EQ((*read)[1].limits->revision, 4u);

    ASSERT_TRUE(journal.dropLast().ok());
    read = StateJournal::read(path);
    ASSERT_TRUE(read.ok());
    ASSERT_EQ(read->size(), 1u);
    EXPECT_EQ((*read)[0].seq, 1u);
    EXPECT_FALSE(journal.dropLast().ok());  // only the last append can be taken back
}

TEST(StateJournalTest, appliedChangesGiveTheSameStateAsTheOperationsDid) {
    ControlState state = sampleState(1);
    StateChange change;
    change.seq = 9;
    BlockRecord again = state.blocks[0];
    again.reason = "again";
    change.blocksSet.push_back(again);  // replaces, goes last
    change.revocationsRemoved.push_back(state.revocations[0]);
    change.scaleDesired = 5;
    applyChange(change, state);
    ASSERT_EQ(state.blocks.size(), 2u);
    EXPECT_EQ(state.blocks[1].reason, "again");
    ASSERT_EQ(state.revocations.size(), 1u);
    EXPECT_EQ(state.revocations[0].jwtId, "jti-123");
    EXPECT_EQ(state.scaleDesired, 5u);
    EXPECT_EQ(state.auditSeq, 9u);
}

TEST(StateJournalTest, aWholeLineThatIsNotAChangeIsDataLossAndATornLastLineIsNot) {
    TempDir dir;
    dir.write("state.journal", "{\"seq\":1}\n{\"seq\":2,\"limits\":{\"per_ip\":1}}\n");
    EXPECT_EQ(StateJournal::read(dir.file("state.journal").string()).status().code(),
              absl::StatusCode::kDataLoss);
    dir.write("state.journal", "{\"seq\":1}\n{\"seq\":2,\"lim");
    const auto read = StateJournal::read(dir.file("state.journal").string());
    ASSERT_TRUE(read.ok());
    EXPECT_EQ(read->size(), 1u);
}

}  // namespace
}  // namespace rampart::control
