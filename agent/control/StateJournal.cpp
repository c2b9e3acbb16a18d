#include "common/FileSync.h"
#include "control/StateJournal.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>

#include "control/StateJson.h"

namespace rampart::control {
namespace {

using nlohmann::json;

bool sameBlock(const BlockRecord& a, const BlockRecord& b) {
    return a.kind == b.kind && a.value == b.value;
}
bool sameRevocation(const RevocationRecord& a, const RevocationRecord& b) {
    return a.subject == b.subject && a.jwtId == b.jwtId;
}

template <typename Record, typename Same>
void removeFrom(std::vector<Record>& list, const Record& gone, Same same) {
    std::erase_if(list, [&](const Record& r) { return same(r, gone); });
}

json changeJson(const StateChange& c) {
    json j = {{"seq", c.seq}};
    if (c.limits) j["limits"] = limitsJson(*c.limits);
    if (c.scaleDesired) j["scale_desired"] = *c.scaleDesired;
    const auto list = [&](const char* name, const auto& records, auto toJson) {
        if (records.empty()) return;
        json out = json::array();
        for (const auto& r : records) out.push_back(toJson(r));
        j[name] = std::move(out);
    };
    list("blocks_set", c.blocksSet, blockJson);
    list("blocks_removed", c.blocksRemoved, blockJson);
    list("revocations_set", c.revocationsSet, revocationJson);
    list("revocations_removed", c.revocationsRemoved, revocationJson);
    if (c.audit) j["audit"] = auditEntryJson(*c.audit);
    return j;
}

StateChange changeFrom(const json& j) {
    StateChange c;
    (void)j.at("seq");  // required
    c.seq = counterFrom(j, "seq");
    if (j.contains("limits")) c.limits = limitsFromJson(j.at("limits"));
    if (j.contains("scale_desired")) {
        c.scaleDesired = integerFrom<uint32_t>(j.at("scale_desired"), "scale_desired");
    }
    const auto list = [&](const char* name, auto& records, auto fromJson) {
        if (!j.contains(name)) return;
        for (const auto& r : j.at(name)) records.push_back(fromJson(r));
    };
    list("blocks_set", c.blocksSet, blockFromJson);
    list("blocks_removed", c.blocksRemoved, blockFromJson);
    list("revocations_set", c.revocationsSet, revocationFromJson);
    list("revocations_removed", c.revocationsRemoved, revocationFromJson);
    if (j.contains("audit")) c.audit = auditEntryFromJson(j.at("audit"));
    return c;
}



}  // namespace

void applyChange(const StateChange& change, ControlState& state) {
    if (change.limits) state.limits = *change.limits;
    if (change.scaleDesired) state.scaleDesired = *change.scaleDesired;
    for (const auto& gone : change.blocksRemoved) removeFrom(state.blocks, gone, sameBlock);
    for (const auto& set : change.blocksSet) {
        removeFrom(state.blocks, set, sameBlock);
        state.blocks.push_back(set);
    }
    for (const auto& gone : change.revocationsRemoved) {
        removeFrom(state.revocations, gone, sameRevocation);
    }
    for (const auto& set : change.revocationsSet) {
        removeFrom(state.revocations, set, sameRevocation);
        state.revocations.push_back(set);
    }
    if (change.seq != 0) state.auditSeq = change.seq;
}

StateJournal::StateJournal(std::string path) : path_(std::move(path)) {}

absl::Status StateJournal::append(const StateChange& change) {
    if (torn_) {
        return absl::UnavailableError(path_ +
                                      " ends in a half-written line that could not be "
                                      "removed; restart the agent to repair it");
    }
    const std::string line = dumped(changeJson(change)) + "\n";
    const int fd = ::open(path_.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
    if (fd < 0) return errnoStatus("cannot open " + path_);
    struct stat before {};
    if (::fstat(fd, &before) != 0) {
        ::close(fd);
        return errnoStatus("cannot stat " + path_);
    }
    // One write with O_APPEND and a sync: the line is whole on disk, or torn at the end where
    // read() stops.
    const ssize_t n = ::write(fd, line.data(), line.size());
    const bool synced = n == static_cast<ssize_t>(line.size()) && ::fdatasync(fd) == 0;
    ::close(fd);
    if (!synced) {
        // Leave no half line for the next append to be glued to.
        if (n > 0 && ::truncate(path_.c_str(), before.st_size) != 0) torn_ = true;
        sizeBeforeLast_ = -1;
        return absl::InternalError("cannot write " + path_);
    }
    // A journal just created must also be found after a power cut: sync its directory entry.
    if (before.st_size == 0) syncDirectoryOf(path_);
    sizeBeforeLast_ = before.st_size;
    ++records_;
    return absl::OkStatus();
}

absl::Status StateJournal::dropLast() {
    if (sizeBeforeLast_ < 0) return absl::FailedPreconditionError("nothing to take back");
    const int fd = ::open(path_.c_str(), O_WRONLY | O_CLOEXEC);
    if (fd < 0) return errnoStatus("cannot open " + path_);
    const bool dropped = ::ftruncate(fd, sizeBeforeLast_) == 0 && ::fdatasync(fd) == 0;
    ::close(fd);
    if (!dropped) return errnoStatus("cannot truncate " + path_);
    sizeBeforeLast_ = -1;
    --records_;
    return absl::OkStatus();
}

absl::Status StateJournal::clear() {
    // Nothing to empty: touch nothing, so a read-only state directory still starts.
    struct stat info {};
    if (::stat(path_.c_str(), &info) != 0 || info.st_size == 0) {
        records_ = 0;
        sizeBeforeLast_ = -1;
        torn_ = false;
        return absl::OkStatus();
    }
    const int fd = ::open(path_.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd < 0) return errnoStatus("cannot empty " + path_);
    const bool synced = ::fdatasync(fd) == 0;
    ::close(fd);
    if (!synced) return errnoStatus("cannot sync " + path_);
    records_ = 0;
    sizeBeforeLast_ = -1;
    torn_ = false;
    return absl::OkStatus();
}

absl::StatusOr<std::vector<StateChange>> StateJournal::read(const std::string& path) {
    std::vector<StateChange> changes;
    std::ifstream in(path, std::ios::binary);
    if (!in) return changes;
    std::string line;
    while (std::getline(in, line)) {
        // No newline: the last append was torn by a crash and never acknowledged.
        if (in.eof()) break;
        try {
            changes.push_back(changeFrom(json::parse(line)));
        } catch (const std::exception& e) {
            return absl::DataLossError(path + " line " + std::to_string(changes.size() + 1) +
                                       " is not a valid change: " + e.what());
        }
    }
    return changes;
}

}  // namespace rampart::control
