#include "control/ControlPlane.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <filesystem>

#include "control/ApplyState.h"
#include "control/StateFile.h"
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
    if (!(rule.rate >= 0 && rule.rate <= 1e9)) {
        return absl::InvalidArgumentError(name + ".rate must be between 0 (off) and 1e9");
    }
    // Checked even when the limit is off (rate 0), because it is saved all the same: JSON has no
    // NaN or infinity (RFC 8259 §6), so state.json would hold null and the agent could not start
    // from it. Found by fuzz/ControlFuzzer.cpp.
    if (!std::isfinite(rule.burst)) {
        return absl::InvalidArgumentError(name + ".burst must be a finite number");
    }
    if (rule.rate > 0 && !(rule.burst >= 1 && rule.burst <= 1e9)) {
        return absl::InvalidArgumentError(name + ".burst must be between 1 and 1e9");
    }
    return absl::OkStatus();
}

bool printable(const std::string& text) {
    return std::none_of(text.begin(), text.end(), [](char c) {
        return static_cast<unsigned char>(c) < 0x20 || c == 0x7f;
    });
}

absl::Status validateCommon(uint32_t seconds, const std::string& reason) {
    if (seconds < 1 || seconds > kMaxDurationSeconds) {
        return absl::InvalidArgumentError("duration_seconds must be between 1 and 2592000 (30 days)");
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
      audit_((std::filesystem::path(stateDir) / "audit.log").string()),
      scaler_(std::move(scaler)),
      scaling_(std::move(scaling)) {}

ControlPlane::~ControlPlane() { stop(); }

absl::Status ControlPlane::start() {
    std::error_code ec;
    std::filesystem::create_directories(std::filesystem::path(statePath_).parent_path(), ec);
    auto loaded = loadState(statePath_);
    {
        absl::MutexLock lock(&mutex_);
        if (loaded.ok()) {
            state_ = std::move(*loaded);
            spdlog::info("operator state restored path={} limits_revision={} blocks={} revocations={}",
                         statePath_, state_.limits.revision, state_.blocks.size(),
                         state_.revocations.size());
        } else if (absl::IsNotFound(loaded.status())) {
            state_.limits = *engine_.limiter().current().value;
        } else {
            return loaded.status();
        }
        applyLocked();
    }
    sweep();
    sweeper_ = std::thread([this] {
        metrics::ProcessStats last = metrics::readProcessStats();
        auto lastTime = std::chrono::steady_clock::now();
        while (true) {
            {
                absl::MutexLock lock(&sweepMutex_);
                const auto stop = +[](ControlPlane* self) ABSL_NO_THREAD_SAFETY_ANALYSIS {
                    return self->stopping_;
                };
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

absl::Status ControlPlane::commitLocked(ControlState next, AuditEntry entry) {
    // Persist first: a change that cannot survive a restart is refused, not half-made.
    if (auto saved = saveState(statePath_, next); !saved.ok()) {
        entry.result = std::string(saved.message());
        audit_.append(entry).IgnoreError();
        return absl::UnavailableError("cannot persist the change: " + std::string(saved.message()));
    }
    state_ = std::move(next);
    applyLocked();
    if (auto logged = audit_.append(std::move(entry)); !logged.ok()) {
        spdlog::error("audit log write failed: {}", std::string(logged.message()));
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
    ControlState next = state_;
    proposed.revision = state_.limits.revision + 1;
    next.limits = proposed;
    auto entry = entryFor(actor, "update_limits");
    entry.beforeJson = limitsToJson(state_.limits);
    entry.afterJson = limitsToJson(proposed);
    if (!reason.empty()) entry.action += ": " + reason;
    if (auto committed = commitLocked(std::move(next), std::move(entry)); !committed.ok()) {
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
        if (!cidr) return absl::InvalidArgumentError("value \"" + value + "\" is not an IP address or CIDR block");
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
    ControlState next = state_;
    // Blocking the same target again replaces the old entry (new expiry and reason).
    auto& list = next.blocks;
    list.erase(std::remove_if(list.begin(), list.end(),
                              [&](const BlockRecord& b) { return b.kind == kind && b.value == record.value; }),
               list.end());
    if (list.size() >= kMaxBlocks) {
        return absl::ResourceExhaustedError("at most 10000 blocks; unblock some first");
    }
    list.push_back(record);
    auto entry = entryFor(actor, "block");
    entry.afterJson = blockToJson(record);
    if (auto committed = commitLocked(std::move(next), std::move(entry)); !committed.ok()) {
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
        if (!cidr) return absl::InvalidArgumentError("value \"" + value + "\" is not an IP address or CIDR block");
        normalised = cidr->toString();
    }
    absl::MutexLock lock(&mutex_);
    ControlState next = state_;
    auto it = std::find_if(next.blocks.begin(), next.blocks.end(), [&](const BlockRecord& b) {
        return b.kind == kind && b.value == normalised;
    });
    if (it == next.blocks.end()) return false;
    auto entry = entryFor(actor, reason.empty() ? "unblock" : "unblock: " + reason);
    entry.beforeJson = blockToJson(*it);
    next.blocks.erase(it);
    if (auto committed = commitLocked(std::move(next), std::move(entry)); !committed.ok()) {
        return committed;
    }
    return true;
}

std::vector<BlockRecord> ControlPlane::blocks() const {
    absl::MutexLock lock(&mutex_);
    return state_.blocks;
}

absl::StatusOr<RevocationRecord> ControlPlane::revoke(const Actor& actor, const std::string& subject,
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
    ControlState next = state_;
    auto& list = next.revocations;
    list.erase(std::remove_if(list.begin(), list.end(),
                              [&](const RevocationRecord& r) {
                                  return r.subject == subject && r.jwtId == jwtId;
                              }),
               list.end());
    if (list.size() >= kMaxRevocations) {
        return absl::ResourceExhaustedError("at most 100000 revocations");
    }
    list.push_back(record);
    auto entry = entryFor(actor, "revoke");
    entry.afterJson = revocationToJson(record);
    if (auto committed = commitLocked(std::move(next), std::move(entry)); !committed.ok()) {
        return committed;
    }
    spdlog::info("revoked by={} {}={} seconds={}", actor.identity, subject.empty() ? "jti" : "subject",
                 subject.empty() ? jwtId : subject, seconds);
    return record;
}

std::vector<RevocationRecord> ControlPlane::revocations() const {
    absl::MutexLock lock(&mutex_);
    return state_.revocations;
}

void ControlPlane::sweep() {
    const int64_t now = engine_.nowUnix();
    absl::MutexLock lock(&mutex_);
    ControlState next = state_;
    std::vector<std::string> expired;
    std::erase_if(next.blocks, [&](const BlockRecord& b) {
        if (now < b.expiresAt) return false;
        expired.push_back(blockToJson(b));
        return true;
    });
    std::erase_if(next.revocations, [&](const RevocationRecord& r) {
        if (now < r.until) return false;
        expired.push_back(revocationToJson(r));
        return true;
    });
    if (expired.empty()) return;
    AuditEntry entry = entryFor(Actor{"rampart-agent", Role::Operator}, "expire");
    entry.beforeJson = "[";
    for (size_t i = 0; i < expired.size(); ++i) entry.beforeJson += (i ? "," : "") + expired[i];
    entry.beforeJson += "]";
    if (auto committed = commitLocked(std::move(next), std::move(entry)); !committed.ok()) {
        spdlog::error("cannot persist expiry: {}", std::string(committed.message()));
    }
}

void ControlPlane::observeCpu(double processCpuPercent) {
    absl::MutexLock lock(&mutex_);
    // Smoothed over a few samples, as the HPA's metrics window is.
    observedCpu_ = observedCpu_ == 0 ? processCpuPercent : 0.7 * observedCpu_ + 0.3 * processCpuPercent;
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
    view.recommended = scaling::recommendReplicas(lastKnownReplicas_, observedCpu_,
                                                  scaling_.targetCpuPercent, scaling_.minReplicas,
                                                  scaling_.maxReplicas);
    return view;
}

absl::StatusOr<ScaleView> ControlPlane::scale(const Actor& actor, uint32_t replicas,
                                              const std::string& reason) {
    if (!scaler_) return absl::FailedPreconditionError("no scaling backend is configured on this node");
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
    entry.afterJson = "{\"replicas\":" + std::to_string(replicas) + ",\"backend\":\"" +
                      scaler_->name() + "\"}";
    entry.result = result.ok() ? "ok: " + detail : std::string(result.message()) + ": " + detail;
    {
        absl::MutexLock lock(&mutex_);
        lastScaleResult_ = entry.result.substr(0, 2048);
        if (result.ok()) {
            ControlState next = state_;
            next.scaleDesired = replicas;
            if (auto committed = commitLocked(std::move(next), entry); !committed.ok()) {
                return committed;
            }
        } else {
            audit_.append(entry).IgnoreError();
        }
    }
    if (!result.ok()) return result;
    return scaleStatus();
}

}  // namespace rampart::control
