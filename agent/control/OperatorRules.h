#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "common/Published.h"
#include "limits/CidrIndex.h"
#include "limits/IpAddress.h"

namespace rampart::control {

// What operators decided during the event, as the hot path reads it: blocked clients and
// subjects, and revoked subjects and token ids, each with an expiry. Replaced whole on change.
struct RuleSet {
    limits::CidrIndex clients;                                  // block → blocked until
    absl::flat_hash_map<std::string, int64_t> subjects;         // subject → blocked until
    absl::flat_hash_map<std::string, int64_t> revokedSubjects;  // subject → refused until
    absl::flat_hash_map<std::string, int64_t> revokedTokenIds;  // jti → refused until

    bool empty() const {
        return clients.empty() && subjects.empty() && revokedSubjects.empty() &&
               revokedTokenIds.empty();
    }
};

class OperatorRules {
public:
    OperatorRules();

    void publish(RuleSet rules);
    const RuleSet& current() const { return *published_.current().value; }

    static bool clientBlocked(const RuleSet& rules, const limits::IpAddress& ip, int64_t nowUnix);
    static bool subjectBlocked(const RuleSet& rules, std::string_view subject, int64_t nowUnix);
    static bool revoked(const RuleSet& rules, std::string_view subject, std::string_view jwtId,
                        int64_t nowUnix);

private:
    Published<RuleSet> published_;
};

}  // namespace rampart::control
