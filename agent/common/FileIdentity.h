#pragma once

#include <sys/stat.h>

#include <string>

namespace rampart {

// What a file is right now: device, inode, size and modification time. Comparing two of these
// notices an in-place edit, an atomic rename and a Kubernetes ConfigMap symlink swap alike.
struct FileIdentity {
    dev_t device = 0;
    ino_t inode = 0;
    off_t size = -1;  // -1: the file does not exist
    timespec modified{};

    bool exists() const { return size >= 0; }
    bool operator==(const FileIdentity& o) const {
        return device == o.device && inode == o.inode && size == o.size &&
               modified.tv_sec == o.modified.tv_sec && modified.tv_nsec == o.modified.tv_nsec;
    }

    static FileIdentity of(const std::string& path) {
        struct stat info {};
        FileIdentity id;
        if (::stat(path.c_str(), &info) != 0) return id;
        id.device = info.st_dev;
        id.inode = info.st_ino;
        id.size = info.st_size;
        id.modified = info.st_mtim;
        return id;
    }
};

}  // namespace rampart
