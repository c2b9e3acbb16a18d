#include "control/ControlService.h"

#include <thread>

#include "absl/strings/numbers.h"
#include "common/Utf8.h"
#include "control/StateFile.h"
#include "rampart/v1/ControlBounds.h"

namespace rampart::control {
namespace {

// The control server's message caps are worked out from these bounds (ControlBounds.h).
static_assert(ControlPlane::kMaxBlocks <= v1::bounds::kMaxBlocks);
static_assert(ControlPlane::kMaxRevocations <= v1::bounds::kMaxRevocations);

// proto3 strings must be valid UTF-8 or the client cannot parse the answer at all.
std::string utf8(std::string_view text) { return common::toValidUtf8(text); }

// Cut to what one audit answer can carry; the file keeps the whole entry.
std::string auditField(std::string_view text, bool& truncated) {
    std::string valid = utf8(text);
    if (valid.size() <= v1::bounds::kMaxAuditFieldBytes) return valid;
    truncated = true;
    return common::toValidUtf8(valid, v1::bounds::kMaxAuditFieldBytes);
}

void auditToWire(const AuditEntry& e, v1::AuditEntry& out) {
    bool truncated = false;
    out.set_time_unix_ms(e.timeUnixMs);
    out.set_actor(auditField(e.actor, truncated));
    out.set_role(auditField(e.role, truncated));
    out.set_action(auditField(e.action, truncated));
    out.set_before_json(auditField(e.beforeJson, truncated));
    out.set_after_json(auditField(e.afterJson, truncated));
    out.set_result(auditField(e.result, truncated));
    out.set_truncated(truncated);
}

grpc::Status toGrpc(const absl::Status& status) {
    if (status.ok()) return grpc::Status::OK;
    grpc::StatusCode code = grpc::StatusCode::INTERNAL;
    switch (status.code()) {
        case absl::StatusCode::kInvalidArgument:
            code = grpc::StatusCode::INVALID_ARGUMENT;
            break;
        case absl::StatusCode::kFailedPrecondition:
            code = grpc::StatusCode::FAILED_PRECONDITION;
            break;
        case absl::StatusCode::kResourceExhausted:
            code = grpc::StatusCode::RESOURCE_EXHAUSTED;
            break;
        case absl::StatusCode::kNotFound:
            code = grpc::StatusCode::NOT_FOUND;
            break;
        case absl::StatusCode::kAborted:
            code = grpc::StatusCode::ABORTED;
            break;
        case absl::StatusCode::kDeadlineExceeded:
            code = grpc::StatusCode::DEADLINE_EXCEEDED;
            break;
        case absl::StatusCode::kUnavailable:
            code = grpc::StatusCode::UNAVAILABLE;
            break;
        default:
            break;
    }
    return {code, std::string(status.message())};
}

void ruleToWire(const limits::LimitRule& rule, v1::LimitRule& out) {
    out.set_rate(rule.rate);
    out.set_burst(rule.burst);
    out.set_shadow(rule.shadow);
}

limits::LimitRule ruleFromWire(const v1::LimitRule& in) {
    return {in.rate(), in.burst(), in.shadow()};
}

void blockToWire(const BlockRecord& b, v1::BlockEntry& out) {
    out.set_kind(b.kind == BlockTarget::Client ? v1::CLIENT : v1::SUBJECT);
    out.set_value(utf8(b.value));
    out.set_expires_at_unix(b.expiresAt);
    out.set_reason(utf8(b.reason));
    out.set_created_by(utf8(b.createdBy));
    out.set_created_at_unix(b.createdAt);
}

void revocationToWire(const RevocationRecord& r, v1::Revocation& out) {
    out.set_subject(utf8(r.subject));
    out.set_jwt_id(utf8(r.jwtId));
    out.set_until_unix(r.until);
    out.set_reason(utf8(r.reason));
    out.set_created_by(utf8(r.createdBy));
    out.set_created_at_unix(r.createdAt);
}

absl::StatusOr<BlockTarget> targetFromWire(v1::BlockKind kind) {
    if (kind == v1::CLIENT) return BlockTarget::Client;
    if (kind == v1::SUBJECT) return BlockTarget::Subject;
    return absl::InvalidArgumentError("kind must be CLIENT or SUBJECT");
}

// Runs `body` if the caller may, and finishes the call with its status.
template <typename Body>
grpc::ServerUnaryReactor* guarded(grpc::CallbackServerContext* context, AccessPolicy& access,
                                  bool operatorOnly, Body body) {
    auto* reactor = context->DefaultReactor();
    Actor actor;
    if (auto allowed = access.authorize(*context, operatorOnly, actor); !allowed.ok()) {
        reactor->Finish(allowed);
        return reactor;
    }
    reactor->Finish(body(actor));
    return reactor;
}

}  // namespace

void toWire(const limits::LimitSet& l, v1::Limits& out) {
    ruleToWire(l.perIp, *out.mutable_per_ip());
    ruleToWire(l.perSubject, *out.mutable_per_subject());
    ruleToWire(l.global, *out.mutable_global());
    out.set_ipv6_prefix(static_cast<uint32_t>(l.ipv6PrefixBits));
    for (const auto& b : l.blocklist.blocks()) out.add_blocklist(b.toString());
    for (const auto& b : l.allowlist.blocks()) out.add_allowlist(b.toString());
    out.set_revision(l.revision);
}

absl::StatusOr<limits::LimitSet> fromWire(const v1::Limits& in) {
    limits::LimitSet l;
    l.perIp = ruleFromWire(in.per_ip());
    l.perSubject = ruleFromWire(in.per_subject());
    l.global = ruleFromWire(in.global());
    l.ipv6PrefixBits = in.ipv6_prefix() == 0 ? 64 : static_cast<int>(in.ipv6_prefix());
    for (const auto* list : {&in.blocklist(), &in.allowlist()}) {
        if (list->size() > 10'000) return absl::InvalidArgumentError("at most 10000 CIDR entries");
    }
    const auto cidrs = [](const auto& texts) -> absl::StatusOr<limits::CidrList> {
        std::vector<limits::Cidr> blocks;
        for (const auto& text : texts) {
            auto cidr = limits::Cidr::parse(text);
            if (!cidr)
                return absl::InvalidArgumentError("\"" + text +
                                                  "\" is not an IP address or CIDR block");
            blocks.push_back(*cidr);
        }
        return limits::CidrList(std::move(blocks));
    };
    auto block = cidrs(in.blocklist());
    if (!block.ok()) return block.status();
    auto allow = cidrs(in.allowlist());
    if (!allow.ok()) return allow.status();
    l.blocklist = std::move(*block);
    l.allowlist = std::move(*allow);
    return l;
}

void toWire(const ScaleView& view, v1::ScaleStatus& out) {
    out.set_backend(utf8(view.backend));
    out.set_current(view.current);
    out.set_desired(view.desired);
    // A hook's output, cut at a byte count: often mid-character.
    out.set_last_result(utf8(view.lastResult));
    auto* r = out.mutable_recommendation();
    r->set_replicas(view.recommended);
    r->set_observed_cpu_percent(view.observedCpuPercent);
    r->set_target_cpu_percent(view.targetCpuPercent);
    r->set_rule("ceil(current × observed / target), unchanged within ±10 %");
}

ControlService::ControlService(ControlPlane& control, CheckEngine& engine, AccessPolicy& access,
                               NodeInfoSource nodeInfo)
    : control_(control), engine_(engine), access_(access), nodeInfo_(std::move(nodeInfo)) {}

ControlService::~ControlService() {
    hub_.stop();
    // Scale calls run on their own threads and touch this object when they finish.
    while (scalesRunning_.load() > 0) std::this_thread::sleep_for(std::chrono::milliseconds(10));
}

grpc::ServerUnaryReactor* ControlService::GetNode(grpc::CallbackServerContext* context,
                                                  const v1::GetNodeRequest*, v1::NodeInfo* out) {
    return guarded(context, access_, false, [&](const Actor& actor) {
        nodeInfo_(*out);
        toWire(control_.cachedScaleStatus(), *out->mutable_scale());
        out->set_caller_identity(utf8(actor.identity));
        out->set_caller_role(actor.role == Role::Operator ? "operator" : "viewer");
        return grpc::Status::OK;
    });
}

grpc::ServerWriteReactor<v1::Snapshot>* ControlService::Watch(grpc::CallbackServerContext* context,
                                                              const v1::WatchRequest* request) {
    Actor actor;
    const auto allowed = access_.authorize(*context, false, actor);
    const uint32_t interval = request->interval_ms() == 0 ? 1000 : request->interval_ms();
    if (!allowed.ok() || interval < 100 || interval > 10'000) {
        // A reactor that finishes at once with the reason.
        class Refusal : public grpc::ServerWriteReactor<v1::Snapshot> {
        public:
            explicit Refusal(grpc::Status status) { Finish(std::move(status)); }
            void OnDone() override { delete this; }
        };
        return new Refusal(allowed.ok() ? grpc::Status(grpc::StatusCode::INVALID_ARGUMENT,
                                                       "interval_ms must be between 100 and 10000")
                                        : allowed);
    }
    return new WatchReactor(hub_, actor.identity,
                            std::make_unique<SnapshotBuilder>(engine_, control_),
                            std::chrono::milliseconds(interval));
}

grpc::ServerUnaryReactor* ControlService::GetLimits(grpc::CallbackServerContext* context,
                                                    const v1::GetLimitsRequest*, v1::Limits* out) {
    return guarded(context, access_, false, [&](const Actor&) {
        toWire(control_.limits(), *out);
        return grpc::Status::OK;
    });
}

grpc::ServerUnaryReactor* ControlService::UpdateLimits(grpc::CallbackServerContext* context,
                                                       const v1::UpdateLimitsRequest* request,
                                                       v1::Limits* out) {
    return guarded(context, access_, true, [&](const Actor& actor) {
        auto proposed = fromWire(request->limits());
        if (!proposed.ok()) return toGrpc(proposed.status());
        auto updated = control_.updateLimits(actor, std::move(*proposed),
                                             request->expected_revision(), request->reason());
        if (!updated.ok()) return toGrpc(updated.status());
        toWire(*updated, *out);
        return grpc::Status::OK;
    });
}

grpc::ServerUnaryReactor* ControlService::Block(grpc::CallbackServerContext* context,
                                                const v1::BlockRequest* request,
                                                v1::BlockEntry* out) {
    return guarded(context, access_, true, [&](const Actor& actor) {
        auto kind = targetFromWire(request->kind());
        if (!kind.ok()) return toGrpc(kind.status());
        auto record = control_.block(actor, *kind, request->value(), request->duration_seconds(),
                                     request->reason());
        if (!record.ok()) return toGrpc(record.status());
        blockToWire(*record, *out);
        return grpc::Status::OK;
    });
}

grpc::ServerUnaryReactor* ControlService::Unblock(grpc::CallbackServerContext* context,
                                                  const v1::UnblockRequest* request,
                                                  v1::UnblockResponse* out) {
    return guarded(context, access_, true, [&](const Actor& actor) {
        auto kind = targetFromWire(request->kind());
        if (!kind.ok()) return toGrpc(kind.status());
        auto removed = control_.unblock(actor, *kind, request->value(), request->reason());
        if (!removed.ok()) return toGrpc(removed.status());
        out->set_removed(*removed);
        return grpc::Status::OK;
    });
}

grpc::ServerUnaryReactor* ControlService::ListBlocks(grpc::CallbackServerContext* context,
                                                     const v1::ListBlocksRequest*,
                                                     v1::BlockList* out) {
    return guarded(context, access_, false, [&](const Actor&) {
        for (const auto& b : control_.blocks()) blockToWire(b, *out->add_blocks());
        return grpc::Status::OK;
    });
}

grpc::ServerUnaryReactor* ControlService::Revoke(grpc::CallbackServerContext* context,
                                                 const v1::RevokeRequest* request,
                                                 v1::Revocation* out) {
    return guarded(context, access_, true, [&](const Actor& actor) {
        auto record = control_.revoke(actor, request->subject(), request->jwt_id(),
                                      request->duration_seconds(), request->reason());
        if (!record.ok()) return toGrpc(record.status());
        revocationToWire(*record, *out);
        return grpc::Status::OK;
    });
}

grpc::ServerUnaryReactor* ControlService::ListRevocations(grpc::CallbackServerContext* context,
                                                          const v1::ListRevocationsRequest*,
                                                          v1::RevocationList* out) {
    return guarded(context, access_, false, [&](const Actor&) {
        for (const auto& r : control_.revocations()) revocationToWire(r, *out->add_revocations());
        return grpc::Status::OK;
    });
}

grpc::ServerUnaryReactor* ControlService::GetScale(grpc::CallbackServerContext* context,
                                                   const v1::GetScaleRequest*,
                                                   v1::ScaleStatus* out) {
    return guarded(context, access_, false, [&](const Actor&) {
        toWire(control_.cachedScaleStatus(), *out);
        return grpc::Status::OK;
    });
}

grpc::ServerUnaryReactor* ControlService::Scale(grpc::CallbackServerContext* context,
                                                const v1::ScaleRequest* request,
                                                v1::ScaleStatus* out) {
    auto* reactor = context->DefaultReactor();
    Actor actor;
    if (auto allowed = access_.authorize(*context, true, actor); !allowed.ok()) {
        reactor->Finish(allowed);
        return reactor;
    }
    // A backend may take a minute (terraform, a cloud CLI): never on gRPC's threads.
    ++scalesRunning_;
    std::thread([this, reactor, actor, replicas = request->replicas(), reason = request->reason(),
                 out] {
        auto result = control_.scale(actor, replicas, reason);
        if (result.ok()) toWire(*result, *out);
        reactor->Finish(result.ok() ? grpc::Status::OK : toGrpc(result.status()));
        --scalesRunning_;
    }).detach();
    return reactor;
}

grpc::ServerUnaryReactor* ControlService::GetAudit(grpc::CallbackServerContext* context,
                                                   const v1::GetAuditRequest* request,
                                                   v1::AuditLog* out) {
    return guarded(context, access_, false, [&](const Actor&) {
        const size_t limit =
            request->limit() == 0
                ? 100
                : std::min<size_t>(request->limit(), v1::bounds::kMaxAuditPageEntries);
        uint64_t before = UINT64_MAX;
        if (!request->page_token().empty() && !absl::SimpleAtoi(request->page_token(), &before)) {
            return grpc::Status(grpc::StatusCode::INVALID_ARGUMENT,
                                "page_token must be a next_page_token this node gave");
        }
        auto page = control_.audit().pageBefore(request->since_unix_ms(), before, limit);
        if (!page.ok()) return toGrpc(page.status());
        // Newest first until the byte budget is spent: the entries left out start the next page.
        std::vector<v1::AuditEntry> wire(page->entries.size());
        size_t first = page->entries.size();
        size_t bytes = 0;
        while (first > 0) {
            auto& entry = wire[first - 1];
            auditToWire(page->entries[first - 1].second, entry);
            bytes += entry.ByteSizeLong();
            if (bytes > v1::bounds::kAuditPageBytes && first < page->entries.size()) break;
            --first;
        }
        for (size_t i = first; i < wire.size(); ++i) *out->add_entries() = std::move(wire[i]);
        if (first < page->entries.size() && (page->more || first > 0)) {
            out->set_next_page_token(std::to_string(page->entries[first].first));
        }
        return grpc::Status::OK;
    });
}

}  // namespace rampart::control
