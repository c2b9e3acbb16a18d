#pragma once

#include <cstdint>
#include <string>

#include "limits/Gcra.h"
#include "limits/IpAddress.h"

namespace rampart::limits {

// Every limit in force, replaced whole at run time (the control plane publishes a new one with
// the next revision; checks pick it up on their next call, no restart).
struct LimitSet {
    LimitRule perIp;
    LimitRule perSubject;
    LimitRule global;
    int ipv6PrefixBits = 64;
    CidrList blocklist;  // refused outright: BLOCKED
    CidrList allowlist;  // exempt from rate limits (still need a valid token)
    uint64_t revision = 1;

    // Derived once per publish, so the hot path does no floating point.
    GcraParams perIpParams, perSubjectParams, globalParams;
    void derive() {
        perIpParams = GcraParams::of(perIp);
        perSubjectParams = GcraParams::of(perSubject);
        globalParams = GcraParams::of(global);
    }
};

}  // namespace rampart::limits
