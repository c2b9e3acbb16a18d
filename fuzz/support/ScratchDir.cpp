#include "support/ScratchDir.h"

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <system_error>

namespace rampart::fuzz {
namespace {

// Removed with the process's statics at a normal exit; after a crash it stays for inspection.
struct OwnedDir {
    std::string path;
    ~OwnedDir() {
        std::error_code ignored;
        std::filesystem::remove_all(path, ignored);
    }
};

std::string makeScratchDir() {
    namespace fs = std::filesystem;
    std::error_code ec;
    const fs::path base =
        fs::is_directory("/dev/shm", ec) ? fs::path("/dev/shm") : fs::temp_directory_path();
    std::string pattern = (base / "rampart-fuzz-XXXXXX").string();
    if (!::mkdtemp(pattern.data())) {
        std::perror("fuzz scratch dir");
        std::abort();
    }
    return pattern;
}

}  // namespace

const std::string& scratchDir() {
    static const OwnedDir dir{makeScratchDir()};
    return dir.path;
}

}  // namespace rampart::fuzz
