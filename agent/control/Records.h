#pragma once

#include <cstdint>
#include <string>

#include "limits/LimitSet.h"

namespace rampart::control {

enum class Role { Viewer, Operator };

// Who asked: the name on their client certificate (CN or SAN) that configuration gives a role
// to, and that role.
struct Actor {
    std::string identity;
    Role role = Role::Viewer;
};

enum class BlockTarget { Client, Subject };

struct BlockRecord {
    BlockTarget kind = BlockTarget::Client;
    std::string value;  // a normalised CIDR for clients
    int64_t expiresAt = 0;
    std::string reason;
    std::string createdBy;
    int64_t createdAt = 0;
};

struct RevocationRecord {
    std::string subject;  // exactly one of subject and jwtId is set
    std::string jwtId;
    int64_t until = 0;
    std::string reason;
    std::string createdBy;
    int64_t createdAt = 0;
};

// Everything an operator changed that must survive a restart.
struct ControlState {
    limits::LimitSet limits;
    std::vector<BlockRecord> blocks;
    std::vector<RevocationRecord> revocations;
    uint32_t scaleDesired = 0;  // 0: never set
    // The audit entry of the last change this state includes: a change is in force only once
    // its entry is written (ControlPlane::commitLocked), and this says which ones are.
    uint64_t auditSeq = 0;
};

}  // namespace rampart::control
