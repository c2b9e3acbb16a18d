#pragma once

#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "common/FileLock.h"
#include "control/AuditLog.h"
#include "control/Records.h"
#include "control/StateJournal.h"
#include "engine/CheckEngine.h"
#include "scaling/ScalingBackend.h"

namespace rampart::control {

struct ScaleView {
    std::string backend = "none";
    uint32_t current = 0;
    uint32_t desired = 0;
    uint32_t recommended = 0;
    double observedCpuPercent = 0;
    double targetCpuPercent = 0;
    std::string lastResult;
};

// Every change an operator makes, in one place: validated, checked against the revision it was
// based on, persisted (a line in state.journal beside the state.json snapshot) and written to the
// audit log before it takes effect, then applied to the engine for the next check. Expired
// blocks and revocations are dropped by a background sweep (also audited). Thread-safe.
class ControlPlane {
public:
    ControlPlane(CheckEngine& engine, std::string stateDir,
                 std::unique_ptr<scaling::ScalingBackend> scaler, scaling::ScalingConfig scaling);
    ~ControlPlane();

    // Loads persisted state (if any; else keeps the engine's configured limits) and starts the
    // sweep. Fails if the state file exists but cannot be read: silently forgetting an
    // operator's blocks would be worse than not starting.
    absl::Status start();
    void stop();
    // Before the control service takes calls; the scaler may need ports bound after start().
    void setScaler(std::unique_ptr<scaling::ScalingBackend> scaler) { scaler_ = std::move(scaler); }

    limits::LimitSet limits() const;
    absl::StatusOr<limits::LimitSet> updateLimits(const Actor& actor, limits::LimitSet proposed,
                                                  uint64_t expectedRevision,
                                                  const std::string& reason);

    absl::StatusOr<BlockRecord> block(const Actor& actor, BlockTarget kind,
                                      const std::string& value, uint32_t seconds,
                                      const std::string& reason);
    absl::StatusOr<bool> unblock(const Actor& actor, BlockTarget kind, const std::string& value,
                                 const std::string& reason);
    std::vector<BlockRecord> blocks() const;

    absl::StatusOr<RevocationRecord> revoke(const Actor& actor, const std::string& subject,
                                            const std::string& jwtId, uint32_t seconds,
                                            const std::string& reason);
    std::vector<RevocationRecord> revocations() const;

    // Asks the backend for the current size (may block briefly: an API call or a command).
    ScaleView scaleStatus();
    // The last known size and the recommendation, without asking the backend: for snapshots.
    ScaleView cachedScaleStatus() const;
    // May take as long as the backend does (a cloud CLI); one at a time.
    absl::StatusOr<ScaleView> scale(const Actor& actor, uint32_t replicas,
                                    const std::string& reason);

    // Drops what has expired; the sweep calls this every second, tests call it directly.
    void sweep();
    // Process CPU (% of one core), sampled by the sweep, feeds the scaling recommendation.
    void observeCpu(double processCpuPercent);

    AuditLog& audit() { return audit_; }
    static constexpr size_t kMaxBlocks = 10'000;
    static constexpr size_t kMaxRevocations = 100'000;

private:
    absl::Status commitLocked(StateChange change, AuditEntry entry)
        ABSL_EXCLUSIVE_LOCKS_REQUIRED(mutex_);
    absl::Status loadLocked() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mutex_);
    absl::Status snapshotLocked() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mutex_);
    void applyLocked() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mutex_);
    AuditEntry entryFor(const Actor& actor, std::string action) const;

    CheckEngine& engine_;
    std::string statePath_;
    StateJournal journal_ ABSL_GUARDED_BY(mutex_);
    FileLock stateDirLock_;  // one agent per state directory
    AuditLog audit_;
    // After this many journalled changes the state is written whole and the journal emptied.
    static constexpr size_t kSnapshotEvery = 1000;
    std::unique_ptr<scaling::ScalingBackend> scaler_;
    scaling::ScalingConfig scaling_;

    mutable absl::Mutex mutex_;
    ControlState state_ ABSL_GUARDED_BY(mutex_);
    uint64_t seq_ ABSL_GUARDED_BY(mutex_) = 0;  // the last change's (or attempt's) audit number
    bool hasSnapshot_ ABSL_GUARDED_BY(mutex_) = false;
    bool journalStuck_ ABSL_GUARDED_BY(mutex_) = false;
    int64_t sweepRetryAt_ ABSL_GUARDED_BY(mutex_) = 0;  // after a failed expiry commit
    double observedCpu_ ABSL_GUARDED_BY(mutex_) = 0;
    std::string lastScaleResult_ ABSL_GUARDED_BY(mutex_);
    uint32_t lastKnownReplicas_ ABSL_GUARDED_BY(mutex_) = 1;
    absl::Mutex scaleMutex_;  // one scale operation at a time

    absl::Mutex sweepMutex_;
    bool stopping_ ABSL_GUARDED_BY(sweepMutex_) = false;
    std::thread sweeper_;
};

// Validation shared with the service layer; messages name the field.
absl::Status validateLimits(const limits::LimitSet& limits);

}  // namespace rampart::control
