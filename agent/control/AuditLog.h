#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"

namespace rampart::control {

struct AuditEntry {
    int64_t timeUnixMs = 0;
    std::string actor;
    std::string role;
    std::string action;
    std::string beforeJson;
    std::string afterJson;
    std::string result = "ok";
};

// Append-only JSON lines: one object per operator action, written and flushed before the action
// is reported done. Never rewritten; rotate it with logrotate's copytruncate if it grows.
class AuditLog {
public:
    explicit AuditLog(std::string path);

    absl::Status append(AuditEntry entry);
    // Entries at or after `sinceUnixMs`, oldest first, at most `limit` (the newest ones).
    absl::StatusOr<std::vector<AuditEntry>> since(int64_t sinceUnixMs, size_t limit) const;

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

private:
    std::string path_;
    mutable absl::Mutex mutex_;
};

}  // namespace rampart::control
