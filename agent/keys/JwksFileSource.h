#pragma once

#include <sys/stat.h>

#include "keys/KeySource.h"

namespace rampart::keys {

// A JWKS file on disk. Change detection compares device, inode, size and modification time, so
// an in-place edit, an atomic rename and a Kubernetes ConfigMap symlink swap are all noticed.
class JwksFileSource : public KeySource {
public:
    JwksFileSource(std::string path, std::chrono::milliseconds watchInterval);

    std::string describe() const override { return "file " + path_; }
    absl::StatusOr<std::string> fetch() override;
    bool mayHaveChanged() override;
    std::chrono::milliseconds pollInterval() const override { return watchInterval_; }

private:
    struct Identity {
        dev_t device = 0;
        ino_t inode = 0;
        off_t size = -1;
        timespec modified{};
        bool operator==(const Identity& o) const {
            return device == o.device && inode == o.inode && size == o.size &&
                   modified.tv_sec == o.modified.tv_sec && modified.tv_nsec == o.modified.tv_nsec;
        }
    };
    static Identity identityOf(const std::string& path);

    std::string path_;
    std::chrono::milliseconds watchInterval_;
    Identity lastSeen_;
};

}  // namespace rampart::keys
