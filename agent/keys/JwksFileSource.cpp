#include "keys/JwksFileSource.h"

#include <fstream>
#include <sstream>

#include "jwt/JwksParser.h"

namespace rampart::keys {

JwksFileSource::JwksFileSource(std::string path, std::chrono::milliseconds watchInterval)
    : path_(std::move(path)), watchInterval_(watchInterval) {}

bool JwksFileSource::mayHaveChanged() { return !(FileIdentity::of(path_) == lastSeen_); }

absl::StatusOr<std::string> JwksFileSource::fetch() {
    // Recorded before reading: a write that lands during the read is seen on the next poll.
    lastSeen_ = FileIdentity::of(path_);
    if (!lastSeen_.exists()) return absl::NotFoundError("cannot stat " + path_);
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
