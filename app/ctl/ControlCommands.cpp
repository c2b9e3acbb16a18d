// The control-plane commands: status, watch, limits, block/unblock, revoke, scale, audit.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <iostream>
#include <mutex>
#include <optional>
#include <sstream>
#include <thread>
#include <vector>

#include "Commands.h"
#include "NodeRunner.h"

namespace rampart::ctl {
namespace {

int64_t nowUnix() {
    return std::chrono::duration_cast<std::chrono::seconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
}

std::string fmtRule(const v1::LimitRule& r) {
    if (r.rate() <= 0) return "off";
    std::ostringstream out;
    out << r.rate() << "/s burst " << r.burst() << (r.shadow() ? " (shadow)" : "");
    return out.str();
}

std::string fmtLimits(const v1::Limits& l) {
    return "revision " + std::to_string(l.revision()) + "  per-ip " + fmtRule(l.per_ip()) +
           "  per-subject " + fmtRule(l.per_subject()) + "  global " + fmtRule(l.global());
}

v1::BlockKind kindOf(const std::string& ip, const std::string& subject) {
    return ip.empty() ? v1::SUBJECT : v1::CLIENT;
}

void addStatus(CLI::App& app, int& exitCode) {
    auto* cmd = app.add_subcommand("status", "Node, keys, limits and scaling of each node");
    static TargetOptions targets;
    addTargetOptions(*cmd, targets);
    cmd->callback([&exitCode] {
        exitCode = runOnNodes(targets, [](v1::Control::Stub& stub, grpc::ClientContext& context) {
            auto node = std::make_shared<v1::NodeInfo>();
            NodeResult result{stub.GetNode(&context, v1::GetNodeRequest(), node.get()), "", node};
            std::string kids;
            for (const auto& k : node->key_set().keys()) kids += (kids.empty() ? "" : ",") + k.kid() + ":" + k.algorithm();
            result.human = "ok  " + node->node_id() + " (" + node->hostname() + ", v" + node->version() +
                           ", up " + humanDuration(nowUnix() - node->start_time_unix()) + ")  keys " + kids +
                           "  scale " + node->scale().backend() + " " + std::to_string(node->scale().current()) +
                           " (recommended " + std::to_string(node->scale().recommendation().replicas()) +
                           ")  you are " + node->caller_identity() + " (" + node->caller_role() + ")";
            return result;
        });
    });
}

void addWatch(CLI::App& app, int& exitCode) {
    auto* cmd = app.add_subcommand("watch", "Stream live snapshots from each node");
    static TargetOptions targets;
    static uint32_t intervalMs = 1000;
    static int count = 0;
    addTargetOptions(*cmd, targets);
    cmd->add_option("--interval-ms", intervalMs, "Snapshot interval")->check(CLI::Range(100, 10'000));
    cmd->add_option("--count", count, "Stop after this many snapshots per node (0: until Ctrl-C)")
        ->check(CLI::Range(0, 1'000'000));
    cmd->callback([&exitCode] {
        // Streams have no overall deadline; each node is followed on its own thread.
        std::mutex print;
        TargetOptions noDeadline = targets;
        noDeadline.timeoutMs = 600'000;
        exitCode = runOnNodes(noDeadline, [&](v1::Control::Stub& stub, grpc::ClientContext& context) {
            context.set_deadline(std::chrono::system_clock::time_point::max());
            v1::WatchRequest request;
            request.set_interval_ms(intervalMs);
            auto reader = stub.Watch(&context, request);
            v1::Snapshot s;
            int seen = 0;
            auto last = std::make_shared<v1::Snapshot>();
            while ((count == 0 || seen < count) && reader->Read(&s)) {
                ++seen;
                *last = s;
                const double seconds = s.interval_ms() / 1000.0;
                const auto& i = s.interval();
                const uint64_t denied = i.invalid_token() + i.expired() + i.revoked() + i.rate_limited_ip() +
                                        i.rate_limited_user() + i.rate_limited_global() + i.blocked();
                char line[256];
                std::snprintf(line, sizeof line,
                              "#%llu  allow %.0f/s  deny %.0f/s  p99 %.0fus  cpu %.0f%%  rss %.0fMB  limits r%llu",
                              static_cast<unsigned long long>(s.sequence()),
                              seconds > 0 ? i.allow() / seconds : 0, seconds > 0 ? denied / seconds : 0,
                              s.latency().p99_us(), s.process_cpu_percent(), s.rss_bytes() / 1e6,
                              static_cast<unsigned long long>(s.limits_revision()));
                if (!targets.json) {
                    std::lock_guard lock(print);
                    std::cout << line << std::endl;
                }
            }
            if (count > 0 && seen >= count) context.TryCancel();
            auto status = reader->Finish();
            if (count > 0 && seen >= count) status = grpc::Status::OK;
            return NodeResult{status, "ok  " + std::to_string(seen) + " snapshots", last};
        });
    });
}

void addLimits(CLI::App& app, int& exitCode) {
    auto* cmd = app.add_subcommand("limits", "Read or change rate limits");
    cmd->require_subcommand(1);
    auto* get = cmd->add_subcommand("get", "Show the limits in force");
    static TargetOptions getTargets;
    addTargetOptions(*get, getTargets);
    get->callback([&exitCode] {
        exitCode = runOnNodes(getTargets, [](v1::Control::Stub& stub, grpc::ClientContext& context) {
            auto limits = std::make_shared<v1::Limits>();
            NodeResult r{stub.GetLimits(&context, v1::GetLimitsRequest(), limits.get()), "", limits};
            r.human = "ok  " + fmtLimits(*limits);
            return r;
        });
    });

    auto* set = cmd->add_subcommand("set", "Change limits; unnamed settings keep their values");
    static TargetOptions setTargets;
    static std::optional<double> ipRate, ipBurst, subRate, subBurst, globalRate, globalBurst;
    static std::optional<bool> ipShadow, subShadow, globalShadow;
    static uint64_t expected = 0;
    static std::string reason;
    addTargetOptions(*set, setTargets);
    set->add_option("--per-ip-rate", ipRate, "Requests/s per client IP (0: off)");
    set->add_option("--per-ip-burst", ipBurst);
    set->add_option("--per-ip-shadow", ipShadow, "true: count, never deny");
    set->add_option("--per-subject-rate", subRate);
    set->add_option("--per-subject-burst", subBurst);
    set->add_option("--per-subject-shadow", subShadow);
    set->add_option("--global-rate", globalRate);
    set->add_option("--global-burst", globalBurst);
    set->add_option("--global-shadow", globalShadow);
    set->add_option("--expected-revision", expected,
                    "Fail unless the node is still at this revision (default: the one just read)");
    set->add_option("--reason", reason, "Why, for the audit log");
    set->callback([&exitCode] {
        exitCode = runOnNodes(setTargets, [](v1::Control::Stub& stub, grpc::ClientContext& context) {
            v1::Limits current;
            {
                grpc::ClientContext read;
                read.set_deadline(context.deadline());
                auto status = stub.GetLimits(&read, v1::GetLimitsRequest(), &current);
                if (!status.ok()) return NodeResult{status, "", nullptr};
            }
            v1::UpdateLimitsRequest request;
            *request.mutable_limits() = current;
            auto* l = request.mutable_limits();
            const auto apply = [](v1::LimitRule* rule, auto rate, auto burst, auto shadow) {
                const bool wasOff = rule->rate() <= 0;
                if (rate) rule->set_rate(*rate);
                if (burst) rule->set_burst(*burst);
                if (shadow) rule->set_shadow(*shadow);
                // Turning a limit on without a burst: one second's worth, as in the config file.
                if (rate && !burst && wasOff) rule->set_burst(std::max(1.0, *rate));
            };
            apply(l->mutable_per_ip(), ipRate, ipBurst, ipShadow);
            apply(l->mutable_per_subject(), subRate, subBurst, subShadow);
            apply(l->mutable_global(), globalRate, globalBurst, globalShadow);
            request.set_expected_revision(expected ? expected : current.revision());
            request.set_reason(reason);
            auto updated = std::make_shared<v1::Limits>();
            NodeResult r{stub.UpdateLimits(&context, request, updated.get()), "", updated};
            r.human = "ok  " + fmtLimits(*updated);
            return r;
        });
    });
}

void addBlocks(CLI::App& app, int& exitCode) {
    static TargetOptions blockTargets, unblockTargets, listTargets;
    static std::string ip, subject, duration = "15m", reason, unIp, unSubject, unReason;
    auto* block = app.add_subcommand("block", "Refuse a client IP/CIDR or a subject for a while");
    addTargetOptions(*block, blockTargets);
    auto* target = block->add_option_group("target")->require_option(1);
    target->add_option("--ip", ip, "IP address or CIDR block");
    target->add_option("--subject", subject, "Token subject");
    block->add_option("--for", duration, "How long: 90s, 15m, 2h, 1d");
    block->add_option("--reason", reason, "Why, for the audit log");
    block->callback([&exitCode] {
        const uint32_t seconds = parseSeconds(duration);
        if (seconds == 0) throw CLI::ValidationError("--for", "expected a duration such as 15m");
        exitCode = runOnNodes(blockTargets, [&](v1::Control::Stub& stub, grpc::ClientContext& context) {
            v1::BlockRequest request;
            request.set_kind(kindOf(ip, subject));
            request.set_value(ip.empty() ? subject : ip);
            request.set_duration_seconds(seconds);
            request.set_reason(reason);
            auto entry = std::make_shared<v1::BlockEntry>();
            NodeResult r{stub.Block(&context, request, entry.get()), "", entry};
            r.human = "ok  blocked " + entry->value() + " for " + humanDuration(entry->expires_at_unix() - nowUnix());
            return r;
        });
    });

    auto* unblock = app.add_subcommand("unblock", "Lift a block");
    addTargetOptions(*unblock, unblockTargets);
    auto* untarget = unblock->add_option_group("target")->require_option(1);
    untarget->add_option("--ip", unIp, "IP address or CIDR block");
    untarget->add_option("--subject", unSubject, "Token subject");
    unblock->add_option("--reason", unReason, "Why, for the audit log");
    unblock->callback([&exitCode] {
        exitCode = runOnNodes(unblockTargets, [](v1::Control::Stub& stub, grpc::ClientContext& context) {
            v1::UnblockRequest request;
            request.set_kind(kindOf(unIp, unSubject));
            request.set_value(unIp.empty() ? unSubject : unIp);
            request.set_reason(unReason);
            auto response = std::make_shared<v1::UnblockResponse>();
            NodeResult r{stub.Unblock(&context, request, response.get()), "", response};
            r.human = response->removed() ? "ok  unblocked" : "ok  was not blocked";
            return r;
        });
    });

    auto* list = app.add_subcommand("blocks", "List active blocks");
    addTargetOptions(*list, listTargets);
    list->callback([&exitCode] {
        exitCode = runOnNodes(listTargets, [](v1::Control::Stub& stub, grpc::ClientContext& context) {
            auto blocks = std::make_shared<v1::BlockList>();
            NodeResult r{stub.ListBlocks(&context, v1::ListBlocksRequest(), blocks.get()), "", blocks};
            r.human = "ok  " + std::to_string(blocks->blocks_size()) + " block(s)";
            for (const auto& b : blocks->blocks()) {
                r.human += "\n    " + std::string(b.kind() == v1::CLIENT ? "client " : "subject ") + b.value() +
                           "  " + humanDuration(b.expires_at_unix() - nowUnix()) + " left  by " + b.created_by() +
                           (b.reason().empty() ? "" : "  \"" + b.reason() + "\"");
            }
            return r;
        });
    });
}

void addRevoke(CLI::App& app, int& exitCode) {
    static TargetOptions targets, listTargets;
    static std::string subject, jti, duration = "24h", reason;
    auto* cmd = app.add_subcommand("revoke", "Refuse a subject's tokens (or one token by jti)");
    addTargetOptions(*cmd, targets);
    auto* target = cmd->add_option_group("target")->require_option(1);
    target->add_option("--subject", subject, "Every token of this subject");
    target->add_option("--jti", jti, "The token with this jti");
    cmd->add_option("--for", duration, "How long: 90s, 15m, 2h, 1d");
    cmd->add_option("--reason", reason, "Why, for the audit log");
    cmd->callback([&exitCode] {
        const uint32_t seconds = parseSeconds(duration);
        if (seconds == 0) throw CLI::ValidationError("--for", "expected a duration such as 24h");
        exitCode = runOnNodes(targets, [&](v1::Control::Stub& stub, grpc::ClientContext& context) {
            v1::RevokeRequest request;
            request.set_subject(subject);
            request.set_jwt_id(jti);
            request.set_duration_seconds(seconds);
            request.set_reason(reason);
            auto revocation = std::make_shared<v1::Revocation>();
            NodeResult r{stub.Revoke(&context, request, revocation.get()), "", revocation};
            r.human = "ok  revoked " + (subject.empty() ? "jti " + jti : "subject " + subject) + " for " +
                      humanDuration(revocation->until_unix() - nowUnix());
            return r;
        });
    });
    auto* list = app.add_subcommand("revocations", "List active revocations");
    addTargetOptions(*list, listTargets);
    list->callback([&exitCode] {
        exitCode = runOnNodes(listTargets, [](v1::Control::Stub& stub, grpc::ClientContext& context) {
            auto list = std::make_shared<v1::RevocationList>();
            NodeResult r{stub.ListRevocations(&context, v1::ListRevocationsRequest(), list.get()), "", list};
            r.human = "ok  " + std::to_string(list->revocations_size()) + " revocation(s)";
            for (const auto& v : list->revocations()) {
                r.human += "\n    " + (v.subject().empty() ? "jti " + v.jwt_id() : "subject " + v.subject()) +
                           "  " + humanDuration(v.until_unix() - nowUnix()) + " left  by " + v.created_by();
            }
            return r;
        });
    });
}

void addScale(CLI::App& app, int& exitCode) {
    static TargetOptions targets;
    static uint32_t replicas = 0;
    static std::string reason;
    auto* cmd = app.add_subcommand("scale", "Show scaling, or set the number of replicas");
    addTargetOptions(*cmd, targets);
    cmd->add_option("--replicas", replicas, "Target size (omit to just show)")->check(CLI::Range(0, 10'000));
    cmd->add_option("--reason", reason, "Why, for the audit log");
    cmd->callback([&exitCode] {
        exitCode = runOnNodes(targets, [](v1::Control::Stub& stub, grpc::ClientContext& context) {
            auto status = std::make_shared<v1::ScaleStatus>();
            grpc::Status s;
            if (replicas > 0) {
                v1::ScaleRequest request;
                request.set_replicas(replicas);
                request.set_reason(reason);
                s = stub.Scale(&context, request, status.get());
            } else {
                s = stub.GetScale(&context, v1::GetScaleRequest(), status.get());
            }
            char line[256];
            std::snprintf(line, sizeof line, "ok  %s: %u replica(s), desired %u, recommended %u (cpu %.0f%% vs target %.0f%%)",
                          status->backend().c_str(), status->current(), status->desired(),
                          status->recommendation().replicas(), status->recommendation().observed_cpu_percent(),
                          status->recommendation().target_cpu_percent());
            return NodeResult{s, line, status};
        });
    });
}

void addAudit(CLI::App& app, int& exitCode) {
    static TargetOptions targets;
    static std::string since = "24h";
    static uint32_t limit = 100;
    auto* cmd = app.add_subcommand("audit", "Show the audit log");
    addTargetOptions(*cmd, targets);
    cmd->add_option("--since", since, "How far back: 15m, 2h, 7d");
    cmd->add_option("--limit", limit, "Most entries per node (the newest)")
        ->check(CLI::Range(1, 1'000'000));
    cmd->callback([&exitCode] {
        const uint32_t seconds = parseSeconds(since);
        if (seconds == 0) throw CLI::ValidationError("--since", "expected a duration such as 24h");
        exitCode = runOnNodes(targets, [&](v1::Control::Stub& stub, grpc::ClientContext& first) {
            // The node answers in pages, newest first, each small enough for one message.
            std::vector<v1::AuditLog> pages;
            size_t count = 0;
            grpc::Status status;
            v1::GetAuditRequest request;
            request.set_since_unix_ms((nowUnix() - seconds) * 1000);
            do {
                request.set_limit(static_cast<uint32_t>(std::min<size_t>(limit - count, 1000)));
                grpc::ClientContext next;
                next.set_deadline(first.deadline());
                auto& context = pages.empty() ? first : next;
                status = stub.GetAudit(&context, request, &pages.emplace_back());
                if (!status.ok()) return NodeResult{status, "", nullptr};
                count += pages.back().entries_size();
                request.set_page_token(pages.back().next_page_token());
            } while (!request.page_token().empty() && count < limit);

            auto log = std::make_shared<v1::AuditLog>();
            for (auto page = pages.rbegin(); page != pages.rend(); ++page) {
                for (auto& e : *page->mutable_entries()) *log->add_entries() = std::move(e);
            }
            log->set_next_page_token(pages.back().next_page_token());  // what is left, if any
            NodeResult r{status, "", log};
            r.human = "ok  " + std::to_string(log->entries_size()) + " entr" + (log->entries_size() == 1 ? "y" : "ies");
            for (const auto& e : log->entries()) {
                const std::time_t t = e.time_unix_ms() / 1000;
                char when[32];
                std::strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%SZ", std::gmtime(&t));
                r.human += "\n    " + std::string(when) + "  " + e.actor() + " (" + e.role() + ")  " + e.action() +
                           "  " + e.result() + (e.truncated() ? "  [cut to fit; whole on the node]" : "");
            }
            return r;
        });
    });
}

}  // namespace

void addControlCommands(CLI::App& app, int& exitCode) {
    addStatus(app, exitCode);
    addWatch(app, exitCode);
    addLimits(app, exitCode);
    addBlocks(app, exitCode);
    addRevoke(app, exitCode);
    addScale(app, exitCode);
    addAudit(app, exitCode);
}

}  // namespace rampart::ctl
