#include "common/FileSync.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

namespace rampart {

absl::Status errnoStatus(const std::string& what) {
    return absl::InternalError(what + ": " + std::strerror(errno));
}

void syncDirectoryOf(const std::string& path) {
    const auto dir = std::filesystem::path(path).parent_path();
    const int fd = ::open(dir.empty() ? "." : dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) return;
    ::fsync(fd);
    ::close(fd);
}

}  // namespace rampart
