// The control plane's request validation and the changes it makes (control::fromWire,
// control::ControlPlane), without gRPC networking: the request a ControlService handler would
// receive is parsed from the fuzz bytes, validated, checked against the revision, persisted to a
// state file in a scratch directory and applied to a CheckEngine, as an operator's call would be.
//
// Input: one selector byte (UpdateLimits, Block, Unblock, Revoke), then the serialised request.
// Every input starts from the same state (kBaseline below, revision 3), so a reproducer replays
// alone. After every accepted change the state file must load again: a change the agent accepts
// but cannot read back would stop it from starting.
#include <google/protobuf/stubs/logging.h>
#include <spdlog/spdlog.h>

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <memory>
#include <optional>
#include <string>

#include "control/ControlPlane.h"
#include "control/ControlService.h"
#include "control/StateFile.h"
#include "jwt/KeyStore.h"
#include "rampart/v1/control.pb.h"
#include "support/FuzzKeys.h"
#include "support/ScratchDir.h"

namespace {

using namespace rampart;
using namespace rampart::control;

const Actor kOperator{"fuzz-operator", Role::Operator};

// A state with something in every list, so unblock, replace-on-reblock and revision checks
// have something to find.
ControlState baseline() {
    ControlState state;
    state.limits.perIp = {10, 20, false};
    state.limits.revision = 3;
    state.blocks.push_back({BlockTarget::Client, "198.51.100.0/24", fuzz::kNow + 3600, "abuse",
                            "ops-alice", fuzz::kNow});
    state.blocks.push_back(
        {BlockTarget::Subject, "mallory", fuzz::kNow + 3600, "fraud", "ops-alice", fuzz::kNow});
    state.revocations.push_back({"eve", "", fuzz::kNow + 3600, "leaked", "ops-alice", fuzz::kNow});
    state.revocations.push_back({"", "tok-1", fuzz::kNow + 3600, "", "ops-alice", fuzz::kNow});
    return state;
}

// The ControlService's mapping (a private helper there), so the same kinds are refused.
std::optional<BlockTarget> targetOf(v1::BlockKind kind) {
    if (kind == v1::CLIENT) return BlockTarget::Client;
    if (kind == v1::SUBJECT) return BlockTarget::Subject;
    return std::nullopt;
}

struct Target {
    jwt::KeyStore keys;
    std::unique_ptr<CheckEngine> engine;
    std::string dir = fuzz::scratchDir() + "/control";
    std::string statePath = dir + "/state.json";
    std::string baselineText;

    Target() {
        spdlog::set_level(spdlog::level::off);
        // Protobuf logs every string field with invalid UTF-8 it refuses; the refusal is the
        // behaviour under test, the log line only noise.
        google::protobuf::SetLogHandler(nullptr);
        keys.replace(fuzz::fuzzKeys().keySet);
        CheckEngineOptions options;
        options.cacheEntries = 16;
        options.maxLimiterKeys = 16;
        engine = std::make_unique<CheckEngine>(
            std::move(options), keys, [] { return fuzz::kNow; }, [] { return 0; });
        std::filesystem::create_directories(dir);
        if (!saveState(statePath, baseline()).ok()) __builtin_trap();
        std::ifstream in(statePath, std::ios::binary);
        baselineText.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
    }

    // Back to the baseline: the state file rewritten, the audit log emptied.
    void reset() const {
        std::ofstream(statePath, std::ios::binary | std::ios::trunc) << baselineText;
        std::error_code ignored;
        std::filesystem::remove(dir + "/audit.log", ignored);
        std::filesystem::remove(journalPathFor(statePath), ignored);
    }
};

template <typename Message>
bool parse(Message& message, const uint8_t* data, size_t size) {
    return message.ParseFromArray(data, static_cast<int>(size));
}

// Runs the request; true when the plane accepted a change.
bool apply(ControlPlane& plane, uint8_t selector, const uint8_t* data, size_t size) {
    switch (selector % 4) {
        case 0: {
            v1::UpdateLimitsRequest request;
            if (!parse(request, data, size)) return false;
            auto proposed = fromWire(request.limits());
            if (!proposed.ok()) return false;
            return plane
                .updateLimits(kOperator, std::move(*proposed), request.expected_revision(),
                              request.reason())
                .ok();
        }
        case 1: {
            v1::BlockRequest request;
            if (!parse(request, data, size)) return false;
            const auto kind = targetOf(request.kind());
            return kind && plane
                               .block(kOperator, *kind, request.value(), request.duration_seconds(),
                                      request.reason())
                               .ok();
        }
        case 2: {
            v1::UnblockRequest request;
            if (!parse(request, data, size)) return false;
            const auto kind = targetOf(request.kind());
            if (!kind) return false;
            const auto removed = plane.unblock(kOperator, *kind, request.value(), request.reason());
            return removed.ok() && *removed;
        }
        default: {
            v1::RevokeRequest request;
            if (!parse(request, data, size)) return false;
            return plane
                .revoke(kOperator, request.subject(), request.jwt_id(), request.duration_seconds(),
                        request.reason())
                .ok();
        }
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    static Target target;
    if (size == 0) return 0;
    target.reset();
    ControlPlane plane(*target.engine, target.dir, nullptr, scaling::ScalingConfig{});
    if (!plane.start().ok()) __builtin_trap();
    if (!apply(plane, data[0], data + 1, size - 1)) return 0;

    // What was accepted was persisted (snapshot and journal), and the agent can start from it.
    const auto reloaded = loadStateWithJournal(target.statePath);
    if (!reloaded.ok()) __builtin_trap();
    if (reloaded->limits.revision != plane.limits().revision) __builtin_trap();
    if (reloaded->blocks.size() != plane.blocks().size()) __builtin_trap();
    if (reloaded->revocations.size() != plane.revocations().size()) __builtin_trap();
    return 0;
}
