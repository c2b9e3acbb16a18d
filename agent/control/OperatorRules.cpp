#include "control/OperatorRules.h"

#include <memory>

namespace rampart::control {
namespace {

bool activeIn(const absl::flat_hash_map<std::string, int64_t>& map, std::string_view key,
              int64_t now) {
    if (key.empty() || map.empty()) return false;
    auto it = map.find(absl::string_view(key.data(), key.size()));
    return it != map.end() && now < it->second;
}

}  // namespace

OperatorRules::OperatorRules() { publish({}); }

void OperatorRules::publish(RuleSet rules) {
    published_.publish(std::make_shared<const RuleSet>(std::move(rules)));
}

bool OperatorRules::clientBlocked(const RuleSet& rules, const limits::IpAddress& ip,
                                  int64_t nowUnix) {
    return rules.clients.containsActive(ip, nowUnix);
}

bool OperatorRules::subjectBlocked(const RuleSet& rules, std::string_view subject,
                                   int64_t nowUnix) {
    return activeIn(rules.subjects, subject, nowUnix);
}

bool OperatorRules::revoked(const RuleSet& rules, std::string_view subject, std::string_view jwtId,
                            int64_t nowUnix) {
    return activeIn(rules.revokedSubjects, subject, nowUnix) ||
           activeIn(rules.revokedTokenIds, jwtId, nowUnix);
}

}  // namespace rampart::control
