#include "common/FileSync.h"
#include "control/AuditLog.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <nlohmann/json.hpp>
#include <optional>

#include "control/StateJson.h"

namespace rampart::control {
namespace {

std::optional<AuditEntry> parseLine(const std::string& line) {
    const auto j = nlohmann::json::parse(line, nullptr, false);
    if (j.is_discarded() || !j.is_object()) return std::nullopt;  // a torn line after a crash
    try {
        return auditEntryFromJson(j);
    } catch (const std::exception&) {
        return std::nullopt;  // a member of the wrong type: not an entry this agent wrote
    }
}


}  // namespace

nlohmann::json auditEntryJson(const AuditEntry& e) {
    return {{"seq", e.seq},         {"time_unix_ms", e.timeUnixMs},
            {"actor", e.actor},     {"role", e.role},
            {"action", e.action},   {"before", e.beforeJson},
            {"after", e.afterJson}, {"result", e.result}};
}

AuditEntry auditEntryFromJson(const nlohmann::json& j) {
    AuditEntry e;
    e.seq = counterFrom(j, "seq");
    e.timeUnixMs = integerOr<int64_t>(j, "time_unix_ms", 0);
    e.actor = j.value("actor", "");
    e.role = j.value("role", "");
    e.action = j.value("action", "");
    e.beforeJson = j.value("before", "");
    e.afterJson = j.value("after", "");
    e.result = j.value("result", "");
    return e;
}

AuditLog::AuditLog(std::string path) : path_(std::move(path)) {}

absl::Status AuditLog::open() {
    absl::MutexLock lock(&mutex_);
    recent_.clear();
    trimmed_ = false;
    lastSeq_ = 0;
    endOffset_ = 0;
    struct stat info {};
    fileId_ = ::stat(path_.c_str(), &info) == 0 ? std::pair{info.st_dev, info.st_ino}
                                                : std::pair<dev_t, ino_t>{0, 0};
    std::ifstream in(path_, std::ios::binary | std::ios::ate);
    if (!in) return absl::OkStatus();  // no log yet
    // Only the tail: it holds the newest entries kept in memory and the last number, and a log
    // of years must not delay the start (the data plane waits for it).
    const std::streamoff size = in.tellg();
    const std::streamoff from = std::max<std::streamoff>(0, size - kTailBytes);
    in.seekg(from);
    std::string line;
    uint64_t offset = static_cast<uint64_t>(from);
    if (from > 0 && std::getline(in, line)) offset += line.size() + 1;  // a line cut by the seek
    trimmed_ = from > 0;
    bool endsWithNewline = true;
    while (std::getline(in, line)) {
        endsWithNewline = !in.eof();
        const uint64_t at = offset;
        offset += line.size() + 1;
        auto entry = parseLine(line);
        if (!entry) continue;
        lastSeq_ = std::max(lastSeq_, entry->seq);
        keep(at, std::move(*entry));
    }
    endOffset_ = offset;
    if (endsWithNewline) return absl::OkStatus();
    // A crash mid-write left half a line: end it, or the next entry would be glued to it and
    // lost with it.
    const int fd = ::open(path_.c_str(), O_WRONLY | O_APPEND | O_CLOEXEC);
    if (fd < 0) return errnoStatus("cannot open audit log " + path_);
    const bool ended = ::write(fd, "\n", 1) == 1 && ::fdatasync(fd) == 0;
    ::close(fd);
    return ended ? absl::OkStatus() : errnoStatus("cannot repair audit log " + path_);
}

void AuditLog::keep(uint64_t offset, AuditEntry entry) {
    recent_.emplace_back(offset, std::move(entry));
    if (recent_.size() > kKeptInMemory) {
        recent_.pop_front();
        trimmed_ = true;
    }
}

absl::StatusOr<uint64_t> AuditLog::append(AuditEntry entry) {
    absl::MutexLock lock(&mutex_);
    if (entry.seq == 0) entry.seq = lastSeq_ + 1;
    const nlohmann::json line = auditEntryJson(entry);
    // error_handler::replace: an odd byte in a reason must not make the entry unwritable.
    const std::string text =
        line.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
    const int fd = ::open(path_.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
    if (fd < 0) return errnoStatus("cannot open audit log " + path_);
    struct stat before {};
    const bool sized = ::fstat(fd, &before) == 0;
    // One write of the whole line with O_APPEND: lines never interleave.
    const ssize_t n = ::write(fd, text.data(), text.size());
    const bool synced = n == static_cast<ssize_t>(text.size()) && ::fdatasync(fd) == 0;
    // A short write (disk full) must not leave half a line for the next entry to be glued to.
    // Only when the file is still the one written to: after a copytruncate it is shorter, and
    // truncating "back" would extend it with zeros.
    struct stat after {};
    if (!synced && sized && n > 0 && ::fstat(fd, &after) == 0 && after.st_size > before.st_size) {
        (void)::ftruncate(fd, before.st_size);
    }
    ::close(fd);
    if (!synced) return absl::InternalError("cannot write audit log " + path_);
    const uint64_t seq = entry.seq;
    lastSeq_ = std::max(lastSeq_, seq);
    if (sized && std::pair{before.st_dev, before.st_ino} != fileId_) {
        // Rotated (renamed away) since: memory held the old file's entries, at the old file's
        // offsets, which page tokens of this file must never meet.
        fileId_ = {before.st_dev, before.st_ino};
        recent_.clear();
        trimmed_ = before.st_size > 0;
    }
    if (sized) {
        keep(static_cast<uint64_t>(before.st_size), std::move(entry));
        endOffset_ = static_cast<uint64_t>(before.st_size) + text.size();
    }
    return seq;
}

uint64_t AuditLog::lastSeq() const {
    absl::MutexLock lock(&mutex_);
    return lastSeq_;
}

absl::StatusOr<std::vector<AuditEntry>> AuditLog::since(int64_t sinceUnixMs, size_t limit) const {
    auto page = pageBefore(sinceUnixMs, UINT64_MAX, limit);
    if (!page.ok()) return page.status();
    std::vector<AuditEntry> entries;
    entries.reserve(page->entries.size());
    for (auto& [offset, entry] : page->entries) entries.push_back(std::move(entry));
    return entries;
}

absl::StatusOr<AuditLog::Page> AuditLog::pageBefore(int64_t sinceUnixMs, uint64_t before,
                                                    size_t limit) const {
    {
        absl::MutexLock lock(&mutex_);
        // From memory when it holds every match: nothing was trimmed, or it reaches back to an
        // entry older than `sinceUnixMs` (entries are in time order), or it has more than a page.
        std::vector<const std::pair<uint64_t, AuditEntry>*> matches;
        for (auto it = recent_.rbegin(); it != recent_.rend() && matches.size() <= limit; ++it) {
            if (it->first < before && it->second.timeUnixMs >= sinceUnixMs) matches.push_back(&*it);
        }
        // A page token past the end: the file was truncated since (copytruncate). Nothing more.
        if (before != UINT64_MAX && before > endOffset_) return Page{};
        const bool complete = !trimmed_ || matches.size() > limit ||
                              (!recent_.empty() && recent_.front().second.timeUnixMs < sinceUnixMs);
        if (complete) {
            Page page;
            page.more = matches.size() > limit;
            if (page.more) matches.pop_back();
            for (auto it = matches.rbegin(); it != matches.rend(); ++it)
                page.entries.push_back(**it);
            return page;
        }
    }
    // Further back than memory reaches: read the file, without holding up appends (a change
    // waits for its audit entry).
    return readFile(sinceUnixMs, before, limit);
}

absl::StatusOr<AuditLog::Page> AuditLog::readFile(int64_t sinceUnixMs, uint64_t before,
                                                  size_t limit) const {
    Page page;
    std::ifstream in(path_, std::ios::binary | std::ios::ate);
    if (!in) return page;
    const auto size = static_cast<uint64_t>(in.tellg());
    in.seekg(0);
    // A page token past the end: the file was truncated since (copytruncate). Nothing more.
    if (before != UINT64_MAX && before > size) return page;
    std::deque<std::pair<uint64_t, AuditEntry>> kept;
    std::string line;
    for (uint64_t offset = 0; offset < before && std::getline(in, line);
         offset += line.size() + 1) {
        auto entry = parseLine(line);
        if (!entry || entry->timeUnixMs < sinceUnixMs) continue;
        kept.emplace_back(offset, std::move(*entry));
        if (kept.size() > limit) {
            kept.pop_front();
            page.more = true;
        }
    }
    page.entries.assign(std::make_move_iterator(kept.begin()), std::make_move_iterator(kept.end()));
    return page;
}

}  // namespace rampart::control
