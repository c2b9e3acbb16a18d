#pragma once

#include <grpcpp/grpcpp.h>

#include <string>
#include <vector>

#include "control/Records.h"
#include "limits/LimiterTable.h"

namespace rampart::control {

// Who may do what on the control port. Identities are the client certificate's common name or
// any of its subject alternative names (the TLS layer has already verified the chain against
// the client CA); the actor is named by the one that granted the role. Control calls are rate
// limited per identity, so a runaway script cannot starve the operators.
class AccessPolicy {
public:
    AccessPolicy(std::vector<std::string> operators, std::vector<std::string> viewers,
                 limits::LimitRule callRate);

    // OK with the actor filled in, or UNAUTHENTICATED (no verified certificate),
    // PERMISSION_DENIED (no role, or viewer for an operator call), RESOURCE_EXHAUSTED (too many
    // calls).
    grpc::Status authorize(const grpc::CallbackServerContext& context, bool operatorOnly,
                           Actor& actor);

private:
    std::vector<std::string> operators_;
    std::vector<std::string> viewers_;
    limits::GcraParams callRate_;
    limits::LimiterTable calls_{4096};
};

}  // namespace rampart::control
