#pragma once

#include <deque>
#include <functional>

#include "absl/synchronization/mutex.h"
#include "rampart/v1/auth.grpc.pb.h"

namespace rampart::server {

// Answers one request; runs on gRPC's threads, so it must not block.
using CheckAnswerer = std::function<void(const v1::CheckRequest&, v1::CheckResponse&)>;

// One CheckStream call. Requests are answered in arrival order as they are read; at most
// `maxPending` answers wait for the network at once, after which reading pauses, so a client
// that sends without reading cannot grow the agent's memory. Deletes itself in OnDone.
class CheckStreamReactor final
    : public grpc::ServerBidiReactor<v1::CheckRequest, v1::CheckResponse> {
public:
    // `ready` false finishes the call at once with UNAVAILABLE (no key set loaded yet).
    CheckStreamReactor(const CheckAnswerer& answer, bool ready, int maxPending);

    void OnReadDone(bool ok) override;
    void OnWriteDone(bool ok) override;
    void OnDone() override { delete this; }

private:
    // Starts the next write if none is in flight. Requires mutex_.
    void writeNextLocked() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mutex_);
    void finishIfDoneLocked() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mutex_);

    const CheckAnswerer& answer_;
    const size_t maxPending_;
    v1::CheckRequest request_;

    absl::Mutex mutex_;
    std::deque<v1::CheckResponse> pending_ ABSL_GUARDED_BY(mutex_);  // front is being written
    bool writing_ ABSL_GUARDED_BY(mutex_) = false;
    bool readPaused_ ABSL_GUARDED_BY(mutex_) = false;
    bool readsDone_ ABSL_GUARDED_BY(mutex_) = false;
    bool finished_ ABSL_GUARDED_BY(mutex_) = false;
};

}  // namespace rampart::server
