#pragma once

#include <cmath>
#include <string>

#include "absl/status/status.h"
#include "limits/Gcra.h"

namespace rampart::limits {

// Checks a rule against the range over which GCRA's integer arithmetic is exact (Gcra.h): every
// rule the config, the control plane or the state file accepts goes through here, so no accepted
// value can overflow it. Burst is checked even on a rule that is off, so an off rule cannot carry
// a value (NaN, infinity) that breaks the state file or the rule's next use.
inline absl::Status checkLimitRule(const LimitRule& rule) {
    if (!std::isfinite(rule.rate) ||
        !(rule.rate == 0 || (rule.rate >= kMinRate && rule.rate <= kMaxRate))) {
        return absl::InvalidArgumentError(
            "rate must be 0 (off) or between 0.000001 and 1e9 requests per second");
    }
    // A rule that is off may leave its burst at 0, as a rule never configured does.
    const double leastBurst = rule.enabled() ? 1 : 0;
    if (!std::isfinite(rule.burst) || !(rule.burst >= leastBurst && rule.burst <= kMaxBurst)) {
        return absl::InvalidArgumentError("burst must be between 1 and 1e9 requests");
    }
    if (rule.enabled() && rule.burst / rule.rate > kMaxRefillSeconds) {
        return absl::InvalidArgumentError(
            "burst must be at most 1e8 × rate (a spent burst must refill within about 3 years)");
    }
    return absl::OkStatus();
}

}  // namespace rampart::limits
