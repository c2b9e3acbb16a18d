#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "control/AuditLog.h"
#include "control/Records.h"

namespace rampart::control {

// One operator change, as what it sets and what it removes. Every change the control plane makes
// is one of these, applied by applyChange in memory and appended to the journal on disk, so the
// rules of a change are written once and a change costs a line, not a rewrite of the whole state
// (100,000 revocations are megabytes).
struct StateChange {
    uint64_t seq = 0;  // the sequence number of the change's audit entry
    std::optional<limits::LimitSet> limits;
    std::optional<uint32_t> scaleDesired;
    std::vector<BlockRecord> blocksSet;                // replaces one of the same kind and value
    std::vector<BlockRecord> blocksRemoved;            // by kind and value
    std::vector<RevocationRecord> revocationsSet;      // replaces one of the same subject and jti
    std::vector<RevocationRecord> revocationsRemoved;  // by subject and jti
    // The change's audit entry, kept with it: if the process stops between the journal and the
    // audit log, the next start writes the entry from here.
    std::optional<AuditEntry> audit;
};

// Applies `change` to `state`: a record that is set replaces its namesake and goes last.
void applyChange(const StateChange& change, ControlState& state);

// The changes since the last snapshot of the state, one JSON line each, each written and synced
// in one append. A line torn by a crash mid-write ends the journal.
class StateJournal {
public:
    explicit StateJournal(std::string path);

    absl::Status append(const StateChange& change);
    // Takes back the last append (its audit entry could not be written).
    absl::Status dropLast();
    // Empties the journal once a snapshot holds everything in it.
    absl::Status clear();
    size_t records() const { return records_; }
    const std::string& path() const { return path_; }

    // The changes in the file, in order; empty when there is none. DataLoss when a whole line is
    // not a change this agent wrote.
    static absl::StatusOr<std::vector<StateChange>> read(const std::string& path);

private:
    std::string path_;
    size_t records_ = 0;
    int64_t sizeBeforeLast_ = -1;  // for dropLast; -1 when there is nothing to take back
    bool torn_ = false;            // a failed append left half a line that could not be removed
};

}  // namespace rampart::control
