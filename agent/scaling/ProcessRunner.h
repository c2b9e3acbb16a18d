#pragma once

#include <chrono>
#include <cstddef>
#include <string>
#include <vector>

#include "absl/status/statusor.h"

namespace rampart::scaling {

// What an operator's hook is allowed to fill the audit log with.
inline constexpr size_t kMaxProcessOutputBytes = 64 * 1024;

struct ProcessResult {
    int exitCode = -1;       // the exit status; -1 when the process died from a signal
    int termSignal = 0;      // the signal that ended it, 0 when it exited
    bool timedOut = false;   // killed by us after the timeout
    std::string output;      // the first kMaxProcessOutputBytes of what it wrote
    bool truncated = false;  // it wrote more than that; the rest was read and dropped
};

enum class StderrTo { kOutput, kDiscard };

// Runs `path` with `args` (execv: no shell, no PATH lookup, arguments passed verbatim) in a
// process group of its own, stdin from /dev/null, stdout (and stderr unless discarded) read
// through a pipe. After `timeout` the group gets SIGTERM, and SIGKILL 2 s later if any of it is
// still there, so a hook's own children die with it. Completes when the process exits, even if
// something it left behind still holds the pipe. An error status only when it could not be
// started at all (not found, not executable).
absl::StatusOr<ProcessResult> runProcess(const std::string& path,
                                         const std::vector<std::string>& args,
                                         std::chrono::milliseconds timeout,
                                         StderrTo stderrTo = StderrTo::kOutput);

// "exit status 3", "killed after timeout", "killed by signal 9" — for logs and audit entries.
std::string describeEnd(const ProcessResult& result);

}  // namespace rampart::scaling
