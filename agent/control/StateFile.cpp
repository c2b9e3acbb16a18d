#include "common/FileSync.h"
#include "control/StateFile.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <stdexcept>

#include "control/StateJournal.h"
#include "control/StateJson.h"

namespace rampart::control {
namespace {

using nlohmann::json;


}  // namespace

std::string limitsToJson(const limits::LimitSet& limits) { return dumped(limitsJson(limits)); }
std::string blockToJson(const BlockRecord& block) { return dumped(blockJson(block)); }
std::string revocationToJson(const RevocationRecord& r) { return dumped(revocationJson(r)); }

absl::Status saveState(const std::string& path, const ControlState& state) {
    json doc = {{"format", 1},
                {"limits", limitsJson(state.limits)},
                {"scale_desired", state.scaleDesired},
                {"audit_seq", state.auditSeq}};
    doc["blocks"] = json::array();
    for (const auto& b : state.blocks) doc["blocks"].push_back(blockJson(b));
    doc["revocations"] = json::array();
    for (const auto& r : state.revocations) doc["revocations"].push_back(revocationJson(r));
    const std::string text = dumped(doc, 2) + "\n";

    const std::string temp = path + ".tmp";
    const int fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd < 0) return errnoStatus("cannot write " + temp);
    size_t written = 0;
    while (written < text.size()) {
        const ssize_t n = ::write(fd, text.data() + written, text.size() - written);
        if (n < 0) {
            if (errno == EINTR) continue;
            ::close(fd);
            return errnoStatus("cannot write " + temp);
        }
        written += static_cast<size_t>(n);
    }
    if (::fsync(fd) != 0) {
        ::close(fd);
        return errnoStatus("cannot fsync " + temp);
    }
    ::close(fd);
    if (::rename(temp.c_str(), path.c_str()) != 0) return errnoStatus("cannot replace " + path);
    // The rename itself must reach the disk too.
    syncDirectoryOf(path);
    return absl::OkStatus();
}

absl::StatusOr<ControlState> loadState(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) return absl::NotFoundError("no state file at " + path);
    std::ostringstream text;
    text << in.rdbuf();
    try {
        const json doc = json::parse(text.str());
        ControlState state;
        state.limits = limitsFromJson(doc.at("limits"));
        state.scaleDesired = integerOr<uint32_t>(doc, "scale_desired", 0);
        state.auditSeq = counterFrom(doc, "audit_seq");
        for (const auto& b : doc.at("blocks")) state.blocks.push_back(blockFromJson(b));
        for (const auto& r : doc.at("revocations")) {
            state.revocations.push_back(revocationFromJson(r));
        }
        return state;
    } catch (const std::exception& e) {
        return absl::DataLossError(path + " is not a valid state file: " + e.what());
    }
}

std::string journalPathFor(const std::string& statePath) {
    return (std::filesystem::path(statePath).parent_path() / "state.journal").string();
}

absl::StatusOr<ControlState> loadStateWithJournal(const std::string& statePath,
                                                  std::vector<StateChange>* replayed,
                                                  uint64_t* snapshotSeq) {
    // The journal before the snapshot: a snapshot taken in between holds all the journal did, so
    // reading in this order never pairs an old snapshot with an emptied journal.
    auto changes = StateJournal::read(journalPathFor(statePath));
    if (!changes.ok()) return changes.status();
    auto state = loadState(statePath);
    if (!state.ok()) return state;
    if (snapshotSeq) *snapshotSeq = state->auditSeq;
    for (auto& change : *changes) {
        if (change.seq <= state->auditSeq) continue;  // already in the snapshot
        applyChange(change, *state);
        if (replayed) replayed->push_back(std::move(change));
    }
    return state;
}

}  // namespace rampart::control
