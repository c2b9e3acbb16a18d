#pragma once

#include <filesystem>
#include <string>
#include <string_view>

namespace rampart::testing {

// A directory that exists for the life of the object, then is removed with its contents.
class TempDir {
public:
    TempDir();
    ~TempDir();
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;

    const std::filesystem::path& path() const { return path_; }
    std::filesystem::path file(std::string_view name) const { return path_ / name; }
    // Writes atomically (temp file + rename), as an operator's deploy tool would.
    std::filesystem::path write(std::string_view name, std::string_view content) const;

private:
    std::filesystem::path path_;
};

std::string readFile(const std::filesystem::path& path);

}  // namespace rampart::testing
