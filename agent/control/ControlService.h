#pragma once

#include <functional>

#include "control/AccessPolicy.h"
#include "control/ControlPlane.h"
#include "control/WatchHub.h"
#include "engine/CheckEngine.h"
#include "rampart/v1/control.grpc.pb.h"

namespace rampart::control {

// rampart.v1.Control: translates between the wire and the ControlPlane, after the AccessPolicy
// has said who is calling and whether they may.
class ControlService final : public v1::Control::CallbackService {
public:
    using NodeInfoSource = std::function<void(v1::NodeInfo&)>;

    ControlService(ControlPlane& control, CheckEngine& engine, AccessPolicy& access,
                   NodeInfoSource nodeInfo);
    ~ControlService() override;

    grpc::ServerUnaryReactor* GetNode(grpc::CallbackServerContext*, const v1::GetNodeRequest*,
                                      v1::NodeInfo*) override;
    grpc::ServerWriteReactor<v1::Snapshot>* Watch(grpc::CallbackServerContext*,
                                                  const v1::WatchRequest*) override;
    grpc::ServerUnaryReactor* GetLimits(grpc::CallbackServerContext*, const v1::GetLimitsRequest*,
                                        v1::Limits*) override;
    grpc::ServerUnaryReactor* UpdateLimits(grpc::CallbackServerContext*,
                                           const v1::UpdateLimitsRequest*, v1::Limits*) override;
    grpc::ServerUnaryReactor* Block(grpc::CallbackServerContext*, const v1::BlockRequest*,
                                    v1::BlockEntry*) override;
    grpc::ServerUnaryReactor* Unblock(grpc::CallbackServerContext*, const v1::UnblockRequest*,
                                      v1::UnblockResponse*) override;
    grpc::ServerUnaryReactor* ListBlocks(grpc::CallbackServerContext*, const v1::ListBlocksRequest*,
                                         v1::BlockList*) override;
    grpc::ServerUnaryReactor* Revoke(grpc::CallbackServerContext*, const v1::RevokeRequest*,
                                     v1::Revocation*) override;
    grpc::ServerUnaryReactor* ListRevocations(grpc::CallbackServerContext*,
                                              const v1::ListRevocationsRequest*,
                                              v1::RevocationList*) override;
    grpc::ServerUnaryReactor* GetScale(grpc::CallbackServerContext*, const v1::GetScaleRequest*,
                                       v1::ScaleStatus*) override;
    grpc::ServerUnaryReactor* Scale(grpc::CallbackServerContext*, const v1::ScaleRequest*,
                                    v1::ScaleStatus*) override;
    grpc::ServerUnaryReactor* GetAudit(grpc::CallbackServerContext*, const v1::GetAuditRequest*,
                                       v1::AuditLog*) override;

    // Ends every Watch; call before the server shuts down.
    void stopWatches() { hub_.stop(); }

private:
    ControlPlane& control_;
    CheckEngine& engine_;
    AccessPolicy& access_;
    NodeInfoSource nodeInfo_;
    WatchHub hub_;
    std::atomic<int> scalesRunning_{0};
};

// Conversions between the wire and the engine's types (also used by tests).
void toWire(const limits::LimitSet& limits, v1::Limits& out);
absl::StatusOr<limits::LimitSet> fromWire(const v1::Limits& in);
void toWire(const ScaleView& view, v1::ScaleStatus& out);

}  // namespace rampart::control
