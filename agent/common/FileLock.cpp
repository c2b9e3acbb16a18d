#include "common/FileLock.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace rampart {

absl::Status FileLock::acquire(const std::string& path) {
    release();
    const int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
    // A read-only file system cannot hold a lock file; nothing can be written there either, so
    // there is nothing for two processes to corrupt. (Not EACCES: that is another user's lock.)
    if (fd < 0) {
        if (errno == EROFS) return absl::OkStatus();
        return absl::InternalError("cannot open " + path + ": " + std::strerror(errno));
    }
    if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
        ::close(fd);
        return absl::FailedPreconditionError(
            "another process holds " + path +
            ": two agents must not share one state directory (control.state_dir)");
    }
    fd_ = fd;
    return absl::OkStatus();
}

void FileLock::release() {
    if (fd_ < 0) return;
    ::close(fd_);  // closing the last descriptor drops the flock
    fd_ = -1;
}

}  // namespace rampart
