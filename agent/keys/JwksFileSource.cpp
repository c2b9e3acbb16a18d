#include "keys/JwksFileSource.h"

#include <fstream>
#include <sstream>

#include "jwt/JwksParser.h"

namespace rampart::keys {

JwksFileSource::JwksFileSource(std::string path, std::chrono::milliseconds watchInterval)
    : path_(std::move(path)), watchInterval_(watchInterval) {}

JwksFileSource::Identity JwksFileSource::identityOf(const std::string& path) {
    struct stat info {};
    Identity id;
    if (::stat(path.c_str(), &info) != 0) return id;  // missing: size -1, compares unequal to any file
    id.device = info.st_dev;
    id.inode = info.st_ino;
    id.size = info.st_size;
    id.modified = info.st_mtim;
    return id;
}

bool JwksFileSource::mayHaveChanged() { return !(identityOf(path_) == lastSeen_); }

absl::StatusOr<std::string> JwksFileSource::fetch() {
    // Recorded before reading: a write that lands during the read is seen on the next poll.
    lastSeen_ = identityOf(path_);
    if (lastSeen_.size < 0) return absl::NotFoundError("cannot stat " + path_);
    if (static_cast<size_t>(lastSeen_.size) > jwt::kMaxJwksBytes) {
        return absl::InvalidArgumentError(path_ + " is larger than the 1 MiB JWKS limit");
    }
    std::ifstream in(path_, std::ios::binary);
    if (!in) return absl::NotFoundError("cannot open " + path_);
    std::string content(jwt::kMaxJwksBytes + 1, '\0');
    in.read(content.data(), static_cast<std::streamsize>(content.size()));
    content.resize(static_cast<size_t>(in.gcount()));
    if (content.size() > jwt::kMaxJwksBytes) {
        return absl::InvalidArgumentError(path_ + " is larger than the 1 MiB JWKS limit");
    }
    return content;
}

}  // namespace rampart::keys
