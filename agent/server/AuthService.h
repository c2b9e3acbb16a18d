#pragma once

#include "engine/CheckEngine.h"
#include "jwt/KeyStore.h"
#include "rampart/v1/auth.grpc.pb.h"
#include "server/CheckStreamReactor.h"

namespace rampart::server {

// rampart.v1.Auth over gRPC's callback API. Checks are answered inline on gRPC's threads: a
// cached check is microseconds and a miss is one signature verification, never a blocking wait.
class AuthService final : public v1::Auth::CallbackService {
public:
    AuthService(CheckEngine& engine, const jwt::KeyStore& keys, int maxPendingPerStream);

    grpc::ServerUnaryReactor* Check(grpc::CallbackServerContext* context,
                                    const v1::CheckRequest* request,
                                    v1::CheckResponse* response) override;

    grpc::ServerBidiReactor<v1::CheckRequest, v1::CheckResponse>* CheckStream(
        grpc::CallbackServerContext* context) override;

private:
    CheckEngine& engine_;
    const jwt::KeyStore& keys_;
    int maxPendingPerStream_;
    CheckAnswerer answer_;
};

// The engine's answer in wire form.
void fillResponse(const CheckResult& result, uint64_t id, v1::CheckResponse& response);

}  // namespace rampart::server
