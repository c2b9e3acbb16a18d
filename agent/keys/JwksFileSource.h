#pragma once

#include "common/FileIdentity.h"
#include "keys/KeySource.h"

namespace rampart::keys {

// A JWKS file on disk, re-read when its FileIdentity changes.
class JwksFileSource : public KeySource {
public:
    JwksFileSource(std::string path, std::chrono::milliseconds watchInterval);

    std::string describe() const override { return "file " + path_; }
    absl::StatusOr<std::string> fetch() override;
    bool mayHaveChanged() override;
    std::chrono::milliseconds pollInterval() const override { return watchInterval_; }

private:
    std::string path_;
    std::chrono::milliseconds watchInterval_;
    FileIdentity lastSeen_;
};

}  // namespace rampart::keys
