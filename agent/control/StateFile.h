#pragma once

#include <string>
#include <vector>

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

// NotFound when there is no file yet (first start); DataLoss when it is not a state file or
// holds a value the agent would refuse from an operator (a limit out of range, a bad address).
absl::StatusOr<ControlState> loadState(const std::string& path);

// Where the journal of changes since the snapshot at `statePath` lives (StateJournal).
std::string journalPathFor(const std::string& statePath);

// The state in force: the snapshot, then each journalled change after it, in order. A change is
// made once its journal line is written (ControlPlane::commitLocked). NotFound without a
// snapshot; `replayed`, when given, receives the changes taken from the journal, and
// `snapshotSeq` the last change the snapshot itself held.
struct StateChange;
absl::StatusOr<ControlState> loadStateWithJournal(const std::string& statePath,
                                                  std::vector<StateChange>* replayed = nullptr,
                                                  uint64_t* snapshotSeq = nullptr);

}  // namespace rampart::control
