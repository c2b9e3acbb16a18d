#pragma once

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace rampart {

// A small secret kept in a file of its own (a service-account token, a password): read whole,
// surrounding whitespace stripped. Errors name `what` and the path, never the content. Bounded:
// anything over 64 KiB is not the file we were pointed at.
absl::StatusOr<std::string> readCredentialFile(const std::string& path, absl::string_view what);

}  // namespace rampart
