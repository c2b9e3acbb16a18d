#include "control/ApplyState.h"

#include <algorithm>

namespace rampart::control {

void applyToEngine(const ControlState& state, CheckEngine& engine) {
    engine.limiter().publish(state.limits);
    RuleSet rules;
    for (const auto& b : state.blocks) {
        if (b.kind == BlockTarget::Client) {
            if (auto cidr = limits::Cidr::parse(b.value)) rules.clients.add(*cidr, b.expiresAt);
        } else {
            auto& until = rules.subjects[b.value];
            until = std::max(until, b.expiresAt);
        }
    }
    for (const auto& r : state.revocations) {
        auto& map = r.subject.empty() ? rules.revokedTokenIds : rules.revokedSubjects;
        auto& until = map[r.subject.empty() ? r.jwtId : r.subject];
        until = std::max(until, r.until);
    }
    engine.rules().publish(std::move(rules));
}

}  // namespace rampart::control
