#include "control/AccessPolicy.h"

#include <algorithm>
#include <chrono>

#include "limits/KeyHash.h"

namespace rampart::control {

AccessPolicy::AccessPolicy(std::vector<std::string> operators, std::vector<std::string> viewers,
                           limits::LimitRule callRate)
    : operators_(std::move(operators)),
      viewers_(std::move(viewers)),
      callRate_(limits::GcraParams::of(callRate)) {}

grpc::Status AccessPolicy::authorize(const grpc::CallbackServerContext& context,
                                     bool operatorOnly, Actor& actor) {
    const auto auth = context.auth_context();
    if (!auth || !auth->IsPeerAuthenticated()) {
        return {grpc::StatusCode::UNAUTHENTICATED, "a client certificate signed by the control CA is required"};
    }
    std::vector<std::string> names;
    for (const char* property : {"x509_common_name", "x509_subject_alternative_name"}) {
        for (const auto& value : auth->FindPropertyValues(property)) {
            names.emplace_back(value.data(), value.size());
        }
    }
    const auto listed = [&](const std::vector<std::string>& list) {
        return std::any_of(names.begin(), names.end(), [&](const std::string& n) {
            return std::find(list.begin(), list.end(), n) != list.end();
        });
    };
    actor.identity = names.empty() ? "(unnamed certificate)" : names.front();
    if (listed(operators_)) {
        actor.role = Role::Operator;
    } else if (listed(viewers_)) {
        actor.role = Role::Viewer;
    } else {
        return {grpc::StatusCode::PERMISSION_DENIED,
                "certificate \"" + actor.identity + "\" has no role on this node"};
    }
    if (operatorOnly && actor.role != Role::Operator) {
        return {grpc::StatusCode::PERMISSION_DENIED,
                "\"" + actor.identity + "\" is a viewer; this needs the operator role"};
    }
    if (callRate_.emissionNs > 0) {
        const int64_t now = std::chrono::duration_cast<std::chrono::nanoseconds>(
                                std::chrono::steady_clock::now().time_since_epoch())
                                .count();
        if (!calls_.take(limits::subjectKey(actor.identity), now, callRate_).allowed) {
            return {grpc::StatusCode::RESOURCE_EXHAUSTED, "too many control calls; slow down"};
        }
    }
    return grpc::Status::OK;
}

}  // namespace rampart::control
