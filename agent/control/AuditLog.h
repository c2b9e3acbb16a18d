#pragma once

#include <cstdint>
#include <string>
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

    const std::string& path() const { return path_; }

private:
    std::string path_;
    mutable absl::Mutex mutex_;
};

}  // namespace rampart::control
