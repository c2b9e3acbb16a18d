#pragma once

#include <string>

#include "absl/status/status.h"

namespace rampart {

// An InternalError naming `what` and errno's text, for a failed system call on a file.
absl::Status errnoStatus(const std::string& what);

// Syncs the directory holding `path`, so a file created or renamed there survives a power cut.
void syncDirectoryOf(const std::string& path);

}  // namespace rampart
