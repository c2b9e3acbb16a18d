#pragma once

#include <sys/types.h>

#include <cstdint>
#include <deque>
#include <ios>
#include <nlohmann/json.hpp>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"

namespace rampart::control {

struct AuditEntry {
    uint64_t seq = 0;  // 1, 2, 3, ... in the order written; 0 in logs from before sequencing
    int64_t timeUnixMs = 0;
    std::string actor;
    std::string role;
    std::string action;
    std::string beforeJson;
    std::string afterJson;
    std::string result = "ok";
};

// An entry as one JSON object: the audit log's line, and what the state journal keeps of it.
nlohmann::json auditEntryJson(const AuditEntry& entry);
// Throws (nlohmann::json::exception, std::runtime_error) on a member of the wrong type.
AuditEntry auditEntryFromJson(const nlohmann::json& j);

// Append-only JSON lines: one object per operator action, written and synced before the action
// is reported done (ControlPlane). Never rewritten. Each append opens the file anew, so rotate it
// by renaming (logrotate's default `create`, not `copytruncate`, which loses what is appended
// between its copy and its truncate). The newest entries are also kept in memory, so reading
// them costs no parse of the file.
class AuditLog {
public:
    explicit AuditLog(std::string path);

    // Reads the file once: the newest entries into memory, and the last sequence number. A line
    // torn by a crash mid-write is ended, so the next entry starts on a line of its own.
    absl::Status open();

    // Writes `entry`; one without a sequence number gets the next one. Returns the number.
    absl::StatusOr<uint64_t> append(AuditEntry entry);
    // Entries at or after `sinceUnixMs`, oldest first, at most `limit` (the newest ones).
    absl::StatusOr<std::vector<AuditEntry>> since(int64_t sinceUnixMs, size_t limit) const;
    uint64_t lastSeq() const;

    // Paging backwards from the newest entry, for answers that must stay small: the newest
    // `limit` entries at or after `sinceUnixMs` that start before byte `before` of the file,
    // oldest first, each with its offset (the `before` of the page older than it). `more` says
    // older matching entries were left out. Offsets hold while the file only grows; a `before`
    // past its end means it was truncated (logrotate copytruncate): an empty page, nothing more.
    struct Page {
        std::vector<std::pair<uint64_t, AuditEntry>> entries;
        bool more = false;
    };
    absl::StatusOr<Page> pageBefore(int64_t sinceUnixMs, uint64_t before, size_t limit) const;

    const std::string& path() const { return path_; }
    static constexpr size_t kKeptInMemory = 10'000;
    static constexpr std::streamoff kTailBytes = 16 << 20;  // read at open(): ample for the above

private:
    absl::StatusOr<Page> readFile(int64_t sinceUnixMs, uint64_t before, size_t limit) const;
    void keep(uint64_t offset, AuditEntry entry) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mutex_);

    std::string path_;
    mutable absl::Mutex mutex_;
    uint64_t lastSeq_ ABSL_GUARDED_BY(mutex_) = 0;
    std::deque<std::pair<uint64_t, AuditEntry>> recent_ ABSL_GUARDED_BY(mutex_);  // with offsets
    bool trimmed_ ABSL_GUARDED_BY(mutex_) = false;    // the file holds entries recent_ does not
    uint64_t endOffset_ ABSL_GUARDED_BY(mutex_) = 0;  // where the next entry will start
    std::pair<dev_t, ino_t> fileId_ ABSL_GUARDED_BY(mutex_){0, 0};  // the file recent_ is from
};

}  // namespace rampart::control
