#include "scaling/CommandBackend.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <memory>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "common/Utf8.h"
#include "scaling/ProcessRunner.h"

namespace rampart::scaling {
namespace {

// Enough of unexpected output to recognise it in an error message.
constexpr size_t kExcerptBytes = 80;

std::string auditDetail(const ProcessResult& result) {
    std::string detail = describeEnd(result);
    // Capped at a byte count, a hook's output may end mid-character (or not be UTF-8 at all); it
    // goes into the audit log and, through ScaleStatus, into protos that must hold valid UTF-8.
    if (!result.output.empty()) absl::StrAppend(&detail, "\n", common::toValidUtf8(result.output));
    if (result.truncated) {
        absl::StrAppend(&detail, "\n[output truncated after ", kMaxProcessOutputBytes, " bytes]");
    }
    return detail;
}

absl::Status endStatus(const ProcessResult& result, absl::string_view what,
                       std::chrono::milliseconds timeout) {
    if (result.timedOut) {
        return absl::DeadlineExceededError(
            absl::StrCat(what, " did not finish within ", timeout.count(), " ms and was killed"));
    }
    if (result.termSignal != 0) {
        return absl::UnknownError(absl::StrCat(what, " was killed by signal ", result.termSignal));
    }
    if (result.exitCode != 0) {
        return absl::UnknownError(absl::StrCat(what, " failed with exit status ", result.exitCode));
    }
    return absl::OkStatus();
}

absl::StatusOr<uint32_t> parseCount(const ProcessResult& result) {
    const absl::string_view text = absl::StripAsciiWhitespace(result.output);
    uint32_t count = 0;
    if (!result.truncated && !text.empty() &&
        std::all_of(text.begin(), text.end(), absl::ascii_isdigit) &&
        absl::SimpleAtoi(text, &count)) {
        return count;
    }
    return absl::UnknownError(absl::StrCat(
        "the current-count command printed \"", absl::CHexEscape(text.substr(0, kExcerptBytes)),
        text.size() > kExcerptBytes ? "..." : "", "\", not a replica count"));
}

}  // namespace

CommandBackend::CommandBackend(const ScalingConfig& config)
    : config_(config.command),
      minReplicas_(config.minReplicas),
      maxReplicas_(config.maxReplicas),
      lastApplied_(config.minReplicas) {}

absl::StatusOr<uint32_t> CommandBackend::current() {
    if (config_.currentPath.empty()) return lastApplied_.load();
    // stdout only: a warning on stderr must not spoil the number.
    auto run = runProcess(config_.currentPath, {}, config_.timeout, StderrTo::kDiscard);
    if (!run.ok()) return run.status();
    if (auto status = endStatus(*run, "the current-count command", config_.timeout); !status.ok()) {
        return status;
    }
    return parseCount(*run);
}

absl::Status CommandBackend::scaleTo(uint32_t replicas, std::string& detail) {
    detail.clear();
    if (config_.path.empty()) {
        return absl::FailedPreconditionError(
            "no scaling command configured (scaling.command.path)");
    }
    if (replicas < minReplicas_ || replicas > maxReplicas_) {
        return absl::InvalidArgumentError(absl::StrCat(replicas, " replicas is outside [",
                                                       minReplicas_, ", ", maxReplicas_, "]"));
    }
    std::vector<std::string> args = config_.args;
    args.push_back(std::to_string(replicas));

    std::lock_guard lock(running_);
    auto run = runProcess(config_.path, args, config_.timeout);
    if (!run.ok()) {
        detail = std::string(run.status().message());
        spdlog::warn("scaling command not started replicas={} error=\"{}\"", replicas, detail);
        return run.status();
    }
    detail = auditDetail(*run);
    auto status = endStatus(*run, "the scaling command", config_.timeout);
    if (status.ok()) {
        lastApplied_ = replicas;
        spdlog::info("scaling command succeeded replicas={}", replicas);
    } else {
        spdlog::warn("scaling command failed replicas={} result=\"{}\"", replicas,
                     describeEnd(*run));
    }
    return status;
}

std::unique_ptr<ScalingBackend> makeCommandBackend(const ScalingConfig& config) {
    return std::make_unique<CommandBackend>(config);
}

}  // namespace rampart::scaling
