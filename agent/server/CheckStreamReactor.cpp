#include "server/CheckStreamReactor.h"

namespace rampart::server {

CheckStreamReactor::CheckStreamReactor(const CheckAnswerer& answer, bool ready, int maxPending)
    : answer_(answer), maxPending_(static_cast<size_t>(maxPending)) {
    if (!ready) {
        absl::MutexLock lock(&mutex_);
        finished_ = true;
        Finish(grpc::Status(grpc::StatusCode::UNAVAILABLE, "no key set loaded yet"));
        return;
    }
    StartRead(&request_);
}

void CheckStreamReactor::OnReadDone(bool ok) {
    absl::MutexLock lock(&mutex_);
    if (!ok) {  // the client half-closed, or the call is being cancelled
        readsDone_ = true;
        finishIfDoneLocked();
        return;
    }
    answer_(request_, pending_.emplace_back());
    writeNextLocked();
    if (pending_.size() < maxPending_) {
        StartRead(&request_);
    } else {
        readPaused_ = true;
    }
}

void CheckStreamReactor::OnWriteDone(bool ok) {
    absl::MutexLock lock(&mutex_);
    writing_ = false;
    pending_.pop_front();
    if (!ok) {  // the client is gone; nothing more can be delivered
        pending_.clear();
        if (!finished_) {
            finished_ = true;
            Finish(grpc::Status(grpc::StatusCode::CANCELLED, "stream closed by the client"));
        }
        return;
    }
    writeNextLocked();
    if (readPaused_ && pending_.size() < maxPending_ && !finished_) {
        readPaused_ = false;
        StartRead(&request_);
    }
    finishIfDoneLocked();
}

void CheckStreamReactor::writeNextLocked() {
    if (writing_ || pending_.empty() || finished_) return;
    writing_ = true;
    // When more answers are queued behind this one, let gRPC coalesce them into one flush.
    grpc::WriteOptions options;
    if (pending_.size() > 1) options.set_buffer_hint();
    StartWrite(&pending_.front(), options);
}

void CheckStreamReactor::finishIfDoneLocked() {
    if (readsDone_ && !writing_ && pending_.empty() && !finished_) {
        finished_ = true;
        Finish(grpc::Status::OK);
    }
}

}  // namespace rampart::server
