#include "control/AccessPolicy.h"

#include <algorithm>
#include <chrono>

#include "common/Utf8.h"
#include "limits/KeyHash.h"
#include "rampart/v1/ControlBounds.h"

namespace rampart::control {

AccessPolicy::AccessPolicy(std::vector<std::string> operators, std::vector<std::string> viewers,
                           limits::LimitRule callRate)
    : operators_(std::move(operators)),
      viewers_(std::move(viewers)),
      callRate_(limits::GcraParams::of(callRate)) {}

grpc::Status AccessPolicy::authorize(const grpc::CallbackServerContext& context, bool operatorOnly,
                                     Actor& actor) {
    const auto auth = context.auth_context();
    if (!auth || !auth->IsPeerAuthenticated()) {
        return {grpc::StatusCode::UNAUTHENTICATED,
                "a client certificate signed by the control CA is required"};
    }
    std::vector<std::string> names;
    for (const char* property : {"x509_common_name", "x509_subject_alternative_name"}) {
        for (const auto& value : auth->FindPropertyValues(property)) {
            names.emplace_back(value.data(), value.size());
        }
    }
    // The actor is named by the name that granted the role, not always the CN: a certificate
    // with CN "build-bot" and SAN "operator" acts as "operator", and the audit must say so.
    const auto granting = [&](const std::vector<std::string>& list) {
        return std::find_if(names.begin(), names.end(), [&](const std::string& n) {
            return std::find(list.begin(), list.end(), n) != list.end();
        });
    };
    // Names go into messages, the audit log and protos: bounded, valid UTF-8.
    const auto recorded = [](const std::string& name) {
        return common::toValidUtf8(name, v1::bounds::kMaxIdentityBytes);
    };
    if (auto it = granting(operators_); it != names.end()) {
        actor.identity = recorded(*it);
        actor.role = Role::Operator;
    } else if (auto it = granting(viewers_); it != names.end()) {
        actor.identity = recorded(*it);
        actor.role = Role::Viewer;
    } else {
        actor.identity = names.empty() ? "(unnamed certificate)" : recorded(names.front());
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
