#pragma once

#include <string>

#include "absl/status/statusor.h"
#include "control/Records.h"

namespace rampart::control {

// The JSON forms used on disk, in the audit log and by rampartctl --json.
std::string limitsToJson(const limits::LimitSet& limits);
std::string blockToJson(const BlockRecord& block);
std::string revocationToJson(const RevocationRecord& revocation);

// Persists operator state atomically: write a temp file, fsync it, rename it over the old one,
// fsync the directory. A crash at any point leaves either the old state or the new, whole.
absl::Status saveState(const std::string& path, const ControlState& state);
// NotFound when there is no file yet (first start).
absl::StatusOr<ControlState> loadState(const std::string& path);

}  // namespace rampart::control
