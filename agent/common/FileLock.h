#pragma once

#include <string>

#include "absl/status/status.h"

namespace rampart {

// An exclusive advisory lock on a file (flock), held until release() or destruction. The kernel
// drops it when the process dies, so a crash never leaves it stuck.
class FileLock {
public:
    FileLock() = default;
    ~FileLock() { release(); }
    FileLock(const FileLock&) = delete;
    FileLock& operator=(const FileLock&) = delete;

    // FailedPrecondition when another process holds it.
    absl::Status acquire(const std::string& path);
    void release();

private:
    int fd_ = -1;
};

}  // namespace rampart
