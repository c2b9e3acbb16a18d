#include "control/AuditLog.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <deque>
#include <fstream>
#include <nlohmann/json.hpp>

namespace rampart::control {

AuditLog::AuditLog(std::string path) : path_(std::move(path)) {}

absl::Status AuditLog::append(AuditEntry entry) {
    const nlohmann::json line = {
        {"time_unix_ms", entry.timeUnixMs}, {"actor", entry.actor},   {"role", entry.role},
        {"action", entry.action},           {"before", entry.beforeJson}, {"after", entry.afterJson},
        {"result", entry.result}};
    // error_handler::replace: an odd byte in a reason must not make the entry unwritable.
    const std::string text =
        line.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
    absl::MutexLock lock(&mutex_);
    const int fd = ::open(path_.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
    if (fd < 0) return absl::InternalError("cannot open audit log " + path_ + ": " + std::strerror(errno));
    // One write of the whole line with O_APPEND: lines never interleave.
    const ssize_t n = ::write(fd, text.data(), text.size());
    const bool synced = ::fdatasync(fd) == 0;
    ::close(fd);
    if (n != static_cast<ssize_t>(text.size()) || !synced) {
        return absl::InternalError("cannot write audit log " + path_);
    }
    return absl::OkStatus();
}

absl::StatusOr<std::vector<AuditEntry>> AuditLog::since(int64_t sinceUnixMs, size_t limit) const {
    absl::MutexLock lock(&mutex_);
    std::ifstream in(path_);
    std::deque<AuditEntry> kept;
    if (!in) return std::vector<AuditEntry>{};
    std::string line;
    while (std::getline(in, line)) {
        const auto j = nlohmann::json::parse(line, nullptr, false);
        if (j.is_discarded() || !j.is_object()) continue;  // a torn last line after a crash
        AuditEntry e;
        e.timeUnixMs = j.value("time_unix_ms", int64_t{0});
        if (e.timeUnixMs < sinceUnixMs) continue;
        e.actor = j.value("actor", "");
        e.role = j.value("role", "");
        e.action = j.value("action", "");
        e.beforeJson = j.value("before", "");
        e.afterJson = j.value("after", "");
        e.result = j.value("result", "");
        kept.push_back(std::move(e));
        if (kept.size() > limit) kept.pop_front();
    }
    return std::vector<AuditEntry>(kept.begin(), kept.end());
}

absl::StatusOr<AuditLog::Page> AuditLog::pageBefore(int64_t sinceUnixMs, uint64_t before,
                                                    size_t limit) const {
    absl::MutexLock lock(&mutex_);
    Page page;
    std::ifstream in(path_, std::ios::binary);
    if (!in) return page;
    in.seekg(0, std::ios::end);
    const auto size = static_cast<uint64_t>(in.tellg());
    in.seekg(0);
    if (before != UINT64_MAX && before > size) return page;
    std::deque<std::pair<uint64_t, AuditEntry>> kept;
    std::string line;
    for (uint64_t offset = 0; offset < before && std::getline(in, line); offset += line.size() + 1) {
        const auto j = nlohmann::json::parse(line, nullptr, false);
        if (j.is_discarded() || !j.is_object()) continue;  // a torn last line after a crash
        AuditEntry e;
        e.timeUnixMs = j.value("time_unix_ms", int64_t{0});
        if (e.timeUnixMs < sinceUnixMs) continue;
        e.actor = j.value("actor", "");
        e.role = j.value("role", "");
        e.action = j.value("action", "");
        e.beforeJson = j.value("before", "");
        e.afterJson = j.value("after", "");
        e.result = j.value("result", "");
        kept.emplace_back(offset, std::move(e));
        if (kept.size() > limit) {
            kept.pop_front();
            page.more = true;
        }
    }
    page.entries.assign(std::make_move_iterator(kept.begin()), std::make_move_iterator(kept.end()));
    return page;
}

}  // namespace rampart::control
