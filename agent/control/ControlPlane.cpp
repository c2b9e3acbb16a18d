#include "control/ControlPlane.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <filesystem>

#include "control/ApplyState.h"
#include "control/StateFile.h"
#include "control/StateJournal.h"
#include "limits/LimitBounds.h"
#include "metrics/ProcessStats.h"

namespace rampart::control {
namespace {

constexpr uint32_t kMaxDurationSeconds = 30 * 24 * 3600;
constexpr size_t kMaxReasonBytes = 512;
constexpr size_t kMaxSubjectBytes = 256;

int64_t nowMs() {
    return std::chrono::duration_cast<std::chrono::milliseconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
}

absl::Status validateRule(const limits::LimitRule& rule, const std::string& name) {
    const absl::Status valid = limits::checkLimitRule(rule);
    if (valid.ok()) return valid;
    return absl::InvalidArgumentError(name + "." + std::string(valid.message()));
}

bool printable(const std::string& text) {
    return std::none_of(text.begin(), text.end(),
                        [](char c) { return static_cast<unsigned char>(c) < 0x20 || c == 0x7f; });
}

absl::Status validateCommon(uint32_t seconds, const std::string& reason) {
    if (seconds < 1 || seconds > kMaxDurationSeconds) {
        return absl::InvalidArgumentError(
            "duration_seconds must be between 1 and 2592000 (30 days)");
    }
    if (reason.size() > kMaxReasonBytes || !printable(reason)) {
        return absl::InvalidArgumentError("reason must be printable and at most 512 bytes");
    }
    return absl::OkStatus();
}

absl::Status validateSubject(const std::string& subject, const char* field) {
    if (subject.empty() || subject.size() > kMaxSubjectBytes || !printable(subject)) {
        return absl::InvalidArgumentError(std::string(field) +
                                          " must be printable, 1 to 256 bytes");
    }
    return absl::OkStatus();
}

const char* roleName(Role role) { return role == Role::Operator ? "operator" : "viewer"; }

}  // namespace

absl::Status validateLimits(const limits::LimitSet& l) {
    for (auto status : {validateRule(l.perIp, "per_ip"), validateRule(l.perSubject, "per_subject"),
                        validateRule(l.global, "global")}) {
        if (!status.ok()) return status;
    }
    if (l.ipv6PrefixBits < 16 || l.ipv6PrefixBits > 128) {
        return absl::InvalidArgumentError("ipv6_prefix must be between 16 and 128");
    }
    if (l.blocklist.blocks().size() > 10'000 || l.allowlist.blocks().size() > 10'000) {
        return absl::InvalidArgumentError("blocklist and allowlist hold at most 10000 entries");
    }
    return absl::OkStatus();
}

ControlPlane::ControlPlane(CheckEngine& engine, std::string stateDir,
                           std::unique_ptr<scaling::ScalingBackend> scaler,
                           scaling::ScalingConfig scaling)
    : engine_(engine),
      statePath_((std::filesystem::path(stateDir) / "state.json").string()),
      journal_(journalPathFor(statePath_)),
      audit_((std::filesystem::path(stateDir) / "audit.log").string()),
      scaler_(std::move(scaler)),
      scaling_(std::move(scaling)) {}

ControlPlane::~ControlPlane() { stop(); }

absl::Status ControlPlane::start() {
    const auto dir = std::filesystem::path(statePath_).parent_path();
    std::error_code ec;
    std::filesystem::create_directories(dir, ec);
    if (auto locked = stateDirLock_.acquire((dir / "lock").string()); !locked.ok()) return locked;
    absl::Status loaded = audit_.open();
    if (loaded.ok()) {
        absl::MutexLock lock(&mutex_);
        loaded = loadLocked();
        if (loaded.ok()) applyLocked();
    }
    if (!loaded.ok()) {
        stateDirLock_.release();
        return loaded;
    }
    sweep();
    sweeper_ = std::thread([this] {
        metrics::ProcessStats last = metrics::readProcessStats();
        auto lastTime = std::chrono::steady_clock::now();
        while (true) {
            {
                absl::MutexLock lock(&sweepMutex_);
                const auto stop = +[](ControlPlane* self)
                                       ABSL_NO_THREAD_SAFETY_ANALYSIS { return self->stopping_; };
                sweepMutex_.AwaitWithTimeout(absl::Condition(stop, this), absl::Seconds(1));
                if (stopping_) return;
            }
            sweep();
            const auto stats = metrics::readProcessStats();
            const auto now = std::chrono::steady_clock::now();
            const double wall = std::chrono::duration<double>(now - lastTime).count();
            if (wall > 0) observeCpu(100.0 * (stats.cpuSeconds - last.cpuSeconds) / wall);
            last = stats;
            lastTime = now;
        }
    });
    return absl::OkStatus();
}

void ControlPlane::stop() {
    {
        absl::MutexLock lock(&sweepMutex_);
        stopping_ = true;
    }
    if (sweeper_.joinable()) sweeper_.join();
}

void ControlPlane::applyLocked() { applyToEngine(state_, engine_); }

AuditEntry ControlPlane::entryFor(const Actor& actor, std::string action) const {
    AuditEntry entry;
    entry.timeUnixMs = nowMs();
    entry.actor = actor.identity;
    entry.role = roleName(actor.role);
    entry.action = std::move(action);
    return entry;
}

absl::Status ControlPlane::loadLocked() {
    std::error_code ec;
    // A snapshot interrupted mid-write: the journal beside the old one still holds its changes.
    std::filesystem::remove(statePath_ + ".tmp", ec);
    std::vector<StateChange> replayed;
    uint64_t snapshotSeq = 0;
    auto loaded = loadStateWithJournal(statePath_, &replayed, &snapshotSeq);
    if (absl::IsNotFound(loaded.status())) {
        // No snapshot: the configured limits, no operator rules. A journal without its snapshot
        // is left when an operator deletes state.json to return to the config; it is kept aside,
        // never silently dropped.
        state_.limits = *engine_.limiter().current().value;
        seq_ = audit_.lastSeq();
        if (std::filesystem::file_size(journal_.path(), ec) > 0 && !ec) {
            const std::string aside = journal_.path() + ".orphaned-" + std::to_string(nowMs());
            std::filesystem::rename(journal_.path(), aside, ec);
            spdlog::warn("no {}: its journal is kept aside as {}, not applied", statePath_, aside);
        }
        return absl::OkStatus();
    }
    if (!loaded.ok()) {
        return absl::DataLossError(
            std::string(loaded.status().message()) +
            ". The files are left as they are. To recover: correct the value, or move " +
            statePath_ + " and " + journal_.path() +
            " away to start from the configured limits with no operator blocks or revocations "
            "(the audit log " +
            audit_.path() + " holds every change made)");
    }
    state_ = std::move(*loaded);
    hasSnapshot_ = true;
    const uint64_t audited = audit_.lastSeq();
    // An audit log numbered below the snapshot was rotated since: which journalled changes it
    // lacks cannot be told, and writing them all again would invent crashes.
    const bool rotated = audited < snapshotSeq;
    seq_ = std::max(audited, state_.auditSeq);
    for (auto& change : replayed) {
        seq_ = std::max(seq_, change.seq);
        // Made (its journal line was written) but the process stopped before its audit entry.
        if (!rotated && change.audit && change.seq > audited) {
            change.audit->result += " (entry written at the next start)";
            if (auto logged = audit_.append(*change.audit); !logged.ok()) return logged.status();
        }
    }
    spdlog::info(
        "operator state restored path={} limits_revision={} blocks={} revocations={} "
        "journal_changes={}",
        statePath_, state_.limits.revision, state_.blocks.size(), state_.revocations.size(),
        replayed.size());
    // Start every run from a snapshot holding everything and an empty journal (which also drops
    // a half-written last line). If that cannot be written, the agent still serves what it
    // loaded and refuses changes.
    const absl::Status compacted = replayed.empty() ? journal_.clear() : snapshotLocked();
    if (!compacted.ok()) {
        journalStuck_ = true;
        spdlog::warn("operator state is read-only this run: {}", std::string(compacted.message()));
    }
    return absl::OkStatus();
}

absl::Status ControlPlane::snapshotLocked() {
    if (auto saved = saveState(statePath_, state_); !saved.ok()) return saved;
    hasSnapshot_ = true;
    return journal_.clear();
}

// A change is made once its journal line is written and synced: whatever instant the process is
// killed, a change is in force after a restart if and only if that line is whole, and then its
// audit entry is written too (here, or from the line at the next start). Only then is it applied
// to the engine and reported done. A change whose audit entry cannot be written is taken back.
absl::Status ControlPlane::commitLocked(StateChange change, AuditEntry entry) {
    if (journalStuck_) {
        return absl::UnavailableError(
            "operator state cannot be written this run (" + journal_.path() +
            "); the log says why, and a restart after fixing it makes changes possible again");
    }
    // Deleted while running: the next change starts a new snapshot rather than a journal whose
    // base is gone (which the next start would set aside).
    if (hasSnapshot_ && !std::filesystem::exists(statePath_)) hasSnapshot_ = false;
    const uint64_t seq = seq_ + 1;
    change.seq = entry.seq = seq;
    change.audit = entry;
    ControlState next = state_;
    applyChange(change, next);
    // The first change ever: snapshot what it starts from, so a journal always has its base.
    absl::Status persisted = hasSnapshot_ ? absl::OkStatus() : snapshotLocked();
    if (persisted.ok()) persisted = journal_.append(change);
    if (!persisted.ok()) {
        // Refused, not half-made; the attempt is still recorded, with why.
        entry.result = std::string(persisted.message());
        if (audit_.append(entry).ok()) seq_ = seq;
        return absl::UnavailableError("cannot persist the change: " +
                                      std::string(persisted.message()));
    }
    if (auto logged = audit_.append(entry); !logged.ok()) {
        if (auto dropped = journal_.dropLast(); !dropped.ok()) {
            // The line stays, and takes its audit entry at the next start: nothing may be
            // audited under its number meanwhile (commitLocked and scale check journalStuck_).
            journalStuck_ = true;
            spdlog::critical("cannot take back an unaudited change from {}: {}", journal_.path(),
                             std::string(dropped.message()));
            return absl::UnavailableError(
                "cannot write the audit log (" + std::string(logged.status().message()) +
                ") nor take the change back: it takes effect, with its audit entry, when the "
                "agent next starts; no other change is accepted until then");
        }
        return absl::UnavailableError("cannot write the audit log, so the change was not made: " +
                                      std::string(logged.status().message()));
    }
    seq_ = seq;
    state_ = std::move(next);
    applyLocked();
    if (journal_.records() >= kSnapshotEvery) {
        if (auto saved = snapshotLocked(); !saved.ok()) {
            spdlog::warn("cannot snapshot operator state (the journal keeps growing): {}",
                         std::string(saved.message()));
        }
    }
    return absl::OkStatus();
}

limits::LimitSet ControlPlane::limits() const {
    absl::MutexLock lock(&mutex_);
    return state_.limits;
}

absl::StatusOr<limits::LimitSet> ControlPlane::updateLimits(const Actor& actor,
                                                            limits::LimitSet proposed,
                                                            uint64_t expectedRevision,
                                                            const std::string& reason) {
    if (auto valid = validateLimits(proposed); !valid.ok()) return valid;
    if (reason.size() > kMaxReasonBytes || !printable(reason)) {
        return absl::InvalidArgumentError("reason must be printable and at most 512 bytes");
    }
    absl::MutexLock lock(&mutex_);
    // Optimistic concurrency: two operators cannot silently overwrite each other.
    if (expectedRevision != state_.limits.revision) {
        return absl::FailedPreconditionError(
            "limits changed since you read them: you edited revision " +
            std::to_string(expectedRevision) + ", the node is at revision " +
            std::to_string(state_.limits.revision) + "; reload and apply again");
    }
    proposed.revision = state_.limits.revision + 1;
    StateChange change;
    change.limits = proposed;
    auto entry = entryFor(actor, "update_limits");
    entry.beforeJson = limitsToJson(state_.limits);
    entry.afterJson = limitsToJson(proposed);
    if (!reason.empty()) entry.action += ": " + reason;
    if (auto committed = commitLocked(std::move(change), std::move(entry)); !committed.ok()) {
        return committed;
    }
    spdlog::info("limits updated by={} revision={}", actor.identity, proposed.revision);
    return proposed;
}

absl::StatusOr<BlockRecord> ControlPlane::block(const Actor& actor, BlockTarget kind,
                                                const std::string& value, uint32_t seconds,
                                                const std::string& reason) {
    if (auto valid = validateCommon(seconds, reason); !valid.ok()) return valid;
    BlockRecord record;
    record.kind = kind;
    if (kind == BlockTarget::Client) {
        auto cidr = limits::Cidr::parse(value);
        if (!cidr)
            return absl::InvalidArgumentError("value \"" + value +
                                              "\" is not an IP address or CIDR block");
        record.value = cidr->toString();
    } else {
        if (auto valid = validateSubject(value, "value"); !valid.ok()) return valid;
        record.value = value;
    }
    record.createdAt = engine_.nowUnix();
    record.expiresAt = record.createdAt + seconds;
    record.reason = reason;
    record.createdBy = actor.identity;

    absl::MutexLock lock(&mutex_);
    // Blocking the same target again replaces the old entry (new expiry and reason).
    const bool replaces = std::any_of(
        state_.blocks.begin(), state_.blocks.end(),
        [&](const BlockRecord& b) { return b.kind == kind && b.value == record.value; });
    if (!replaces && state_.blocks.size() >= kMaxBlocks) {
        return absl::ResourceExhaustedError("at most 10000 blocks; unblock some first");
    }
    StateChange change;
    change.blocksSet.push_back(record);
    auto entry = entryFor(actor, "block");
    entry.afterJson = blockToJson(record);
    if (auto committed = commitLocked(std::move(change), std::move(entry)); !committed.ok()) {
        return committed;
    }
    spdlog::info("blocked by={} target={} seconds={}", actor.identity, record.value, seconds);
    return record;
}

absl::StatusOr<bool> ControlPlane::unblock(const Actor& actor, BlockTarget kind,
                                           const std::string& value, const std::string& reason) {
    // The same bound as every other reason: it goes into the audit log.
    if (reason.size() > kMaxReasonBytes || !printable(reason)) {
        return absl::InvalidArgumentError("reason must be printable and at most 512 bytes");
    }
    std::string normalised = value;
    if (kind == BlockTarget::Client) {
        auto cidr = limits::Cidr::parse(value);
        if (!cidr)
            return absl::InvalidArgumentError("value \"" + value +
                                              "\" is not an IP address or CIDR block");
        normalised = cidr->toString();
    }
    absl::MutexLock lock(&mutex_);
    auto it = std::find_if(state_.blocks.begin(), state_.blocks.end(), [&](const BlockRecord& b) {
        return b.kind == kind && b.value == normalised;
    });
    if (it == state_.blocks.end()) return false;
    auto entry = entryFor(actor, reason.empty() ? "unblock" : "unblock: " + reason);
    entry.beforeJson = blockToJson(*it);
    StateChange change;
    change.blocksRemoved.push_back(*it);
    if (auto committed = commitLocked(std::move(change), std::move(entry)); !committed.ok()) {
        return committed;
    }
    return true;
}

std::vector<BlockRecord> ControlPlane::blocks() const {
    absl::MutexLock lock(&mutex_);
    return state_.blocks;
}

absl::StatusOr<RevocationRecord> ControlPlane::revoke(const Actor& actor,
                                                      const std::string& subject,
                                                      const std::string& jwtId, uint32_t seconds,
                                                      const std::string& reason) {
    if (subject.empty() == jwtId.empty()) {
        return absl::InvalidArgumentError("set exactly one of subject and jwt_id");
    }
    if (auto valid = validateSubject(subject.empty() ? jwtId : subject,
                                     subject.empty() ? "jwt_id" : "subject");
        !valid.ok()) {
        return valid;
    }
    if (auto valid = validateCommon(seconds, reason); !valid.ok()) return valid;
    RevocationRecord record{subject, jwtId, 0, reason, actor.identity, engine_.nowUnix()};
    record.until = record.createdAt + seconds;

    absl::MutexLock lock(&mutex_);
    const auto& list = state_.revocations;
    const bool replaces = std::any_of(list.begin(), list.end(), [&](const RevocationRecord& r) {
        return r.subject == subject && r.jwtId == jwtId;
    });
    if (!replaces && list.size() >= kMaxRevocations) {
        return absl::ResourceExhaustedError("at most 100000 revocations");
    }
    StateChange change;
    change.revocationsSet.push_back(record);
    auto entry = entryFor(actor, "revoke");
    entry.afterJson = revocationToJson(record);
    if (auto committed = commitLocked(std::move(change), std::move(entry)); !committed.ok()) {
        return committed;
    }
    spdlog::info("revoked by={} {}={} seconds={}", actor.identity,
                 subject.empty() ? "jti" : "subject", subject.empty() ? jwtId : subject, seconds);
    return record;
}

std::vector<RevocationRecord> ControlPlane::revocations() const {
    absl::MutexLock lock(&mutex_);
    return state_.revocations;
}

void ControlPlane::sweep() {
    const int64_t now = engine_.nowUnix();
    absl::MutexLock lock(&mutex_);
    if (now < sweepRetryAt_) return;
    StateChange change;
    std::vector<std::string> expired;
    for (const auto& b : state_.blocks) {
        if (now < b.expiresAt) continue;
        change.blocksRemoved.push_back(b);
        expired.push_back(blockToJson(b));
    }
    for (const auto& r : state_.revocations) {
        if (now < r.until) continue;
        change.revocationsRemoved.push_back(r);
        expired.push_back(revocationToJson(r));
    }
    if (expired.empty()) return;
    AuditEntry entry = entryFor(Actor{"rampart-agent", Role::Operator}, "expire");
    entry.beforeJson = "[";
    for (size_t i = 0; i < expired.size(); ++i) entry.beforeJson += (i ? "," : "") + expired[i];
    entry.beforeJson += "]";
    if (auto committed = commitLocked(std::move(change), std::move(entry)); !committed.ok()) {
        // Each failed attempt is audited; retrying every second would flood the audit log.
        sweepRetryAt_ = now + 60;
        spdlog::error("cannot persist expiry (next try in 60 s): {}",
                      std::string(committed.message()));
    }
}

void ControlPlane::observeCpu(double processCpuPercent) {
    absl::MutexLock lock(&mutex_);
    // Smoothed over a few samples, as the HPA's metrics window is.
    observedCpu_ =
        observedCpu_ == 0 ? processCpuPercent : 0.7 * observedCpu_ + 0.3 * processCpuPercent;
}

ScaleView ControlPlane::scaleStatus() {
    ScaleView view;
    view.targetCpuPercent = scaling_.targetCpuPercent;
    uint32_t current = 1;
    if (scaler_) {
        view.backend = scaler_->name();
        auto replicas = scaler_->current();
        absl::MutexLock lock(&mutex_);
        if (replicas.ok()) lastKnownReplicas_ = *replicas;
        current = lastKnownReplicas_;
    }
    absl::MutexLock lock(&mutex_);
    view.current = current;
    view.desired = state_.scaleDesired ? state_.scaleDesired : current;
    view.lastResult = lastScaleResult_;
    // Per replica: this process's CPU stands for each replica's (they share the load evenly).
    view.observedCpuPercent = observedCpu_;
    view.recommended = scaling::recommendReplicas(current, observedCpu_, scaling_.targetCpuPercent,
                                                  scaling_.minReplicas, scaling_.maxReplicas);
    return view;
}

ScaleView ControlPlane::cachedScaleStatus() const {
    ScaleView view;
    view.backend = scaler_ ? scaler_->name() : "none";
    view.targetCpuPercent = scaling_.targetCpuPercent;
    absl::MutexLock lock(&mutex_);
    view.current = lastKnownReplicas_;
    view.desired = state_.scaleDesired ? state_.scaleDesired : lastKnownReplicas_;
    view.lastResult = lastScaleResult_;
    view.observedCpuPercent = observedCpu_;
    view.recommended =
        scaling::recommendReplicas(lastKnownReplicas_, observedCpu_, scaling_.targetCpuPercent,
                                   scaling_.minReplicas, scaling_.maxReplicas);
    return view;
}

absl::StatusOr<ScaleView> ControlPlane::scale(const Actor& actor, uint32_t replicas,
                                              const std::string& reason) {
    if (!scaler_)
        return absl::FailedPreconditionError("no scaling backend is configured on this node");
    if (replicas < scaling_.minReplicas || replicas > scaling_.maxReplicas) {
        return absl::InvalidArgumentError("replicas must be between " +
                                          std::to_string(scaling_.minReplicas) + " and " +
                                          std::to_string(scaling_.maxReplicas));
    }
    if (reason.size() > kMaxReasonBytes || !printable(reason)) {
        return absl::InvalidArgumentError("reason must be printable and at most 512 bytes");
    }
    if (!scaleMutex_.TryLock()) return absl::AbortedError("a scale operation is already running");
    std::string detail;
    const auto before = scaleStatus();
    const auto result = scaler_->scaleTo(replicas, detail);
    scaleMutex_.Unlock();

    auto entry = entryFor(actor, reason.empty() ? "scale" : "scale: " + reason);
    entry.beforeJson = "{\"replicas\":" + std::to_string(before.current) + "}";
    entry.afterJson =
        "{\"replicas\":" + std::to_string(replicas) + ",\"backend\":\"" + scaler_->name() + "\"}";
    entry.result = result.ok() ? "ok: " + detail : std::string(result.message()) + ": " + detail;
    {
        absl::MutexLock lock(&mutex_);
        lastScaleResult_ = entry.result.substr(0, 2048);
        if (result.ok()) {
            StateChange change;
            change.scaleDesired = replicas;
            if (auto committed = commitLocked(std::move(change), entry); !committed.ok()) {
                return committed;
            }
        } else if (journalStuck_) {
            spdlog::warn("scale failed and is not audited (operator state is stuck): {}",
                         entry.result);
        } else {
            entry.seq = seq_ + 1;
            if (audit_.append(entry).ok()) seq_ = entry.seq;
        }
    }
    if (!result.ok()) return result;
    return scaleStatus();
}

}  // namespace rampart::control
