#include "control/WatchHub.h"

#include <algorithm>

namespace rampart::control {

WatchReactor::WatchReactor(WatchHub& hub, std::string identity,
                           std::unique_ptr<SnapshotBuilder> builder,
                           std::chrono::milliseconds interval)
    : hub_(hub),
      identity_(std::move(identity)),
      builder_(std::move(builder)),
      interval_(interval),
      due_(std::chrono::steady_clock::now()) {
    if (auto added = hub_.add(this); !added.ok()) end(std::move(added));
}

void WatchReactor::tick(std::chrono::steady_clock::time_point now) {
    if (now < due_) return;
    due_ += interval_;
    if (due_ < now) due_ = now + interval_;  // fell behind: do not burst to catch up
    {
        absl::MutexLock lock(&mutex_);
        if (writing_ || finished_) return;
        snapshot_.Clear();
        builder_->next(snapshot_);
        writing_ = true;
    }
    // Outside the lock: gRPC may run OnWriteDone before StartWrite returns.
    StartWrite(&snapshot_);
}

void WatchReactor::OnWriteDone(bool ok) {
    if (!ok) {
        end(grpc::Status(grpc::StatusCode::CANCELLED, "stream closed"));
        return;
    }
    absl::MutexLock lock(&mutex_);
    writing_ = false;
}

void WatchReactor::OnCancel() { end(grpc::Status(grpc::StatusCode::CANCELLED, "cancelled")); }

void WatchReactor::end(grpc::Status status) {
    hub_.remove(this);
    absl::MutexLock lock(&mutex_);
    if (finished_) return;
    finished_ = true;
    Finish(std::move(status));
}

void WatchReactor::finishForShutdown() {
    // The hub's lock is held: OnDone (which takes it first) cannot delete this meanwhile.
    absl::MutexLock lock(&mutex_);
    if (finished_) return;
    finished_ = true;
    Finish(grpc::Status(grpc::StatusCode::UNAVAILABLE, "node shutting down"));
}

void WatchReactor::OnDone() {
    hub_.remove(this);
    delete this;
}

WatchHub::WatchHub() : thread_([this] { run(); }) {}

WatchHub::~WatchHub() { stop(); }

grpc::Status WatchHub::add(WatchReactor* reactor) {
    absl::MutexLock lock(&mutex_);
    if (stopping_) return {grpc::StatusCode::UNAVAILABLE, "node shutting down"};
    if (watchers_.size() >= kMaxWatchers) {
        return {grpc::StatusCode::RESOURCE_EXHAUSTED,
                "too many Watch calls on this node (" + std::to_string(kMaxWatchers) + ")"};
    }
    const auto same = std::count_if(watchers_.begin(), watchers_.end(), [&](const WatchReactor* w) {
        return w->identity_ == reactor->identity_;
    });
    if (static_cast<size_t>(same) >= kMaxWatchersPerIdentity) {
        return {
            grpc::StatusCode::RESOURCE_EXHAUSTED,
            "\"" + reactor->identity_ + "\" already has " +
                std::to_string(kMaxWatchersPerIdentity) +
                " Watch calls open on this node, the most one identity may hold; close one first"};
    }
    watchers_.push_back(reactor);
    return grpc::Status::OK;
}

void WatchHub::remove(WatchReactor* reactor) {
    absl::MutexLock lock(&mutex_);
    std::erase(watchers_, reactor);
}

void WatchHub::stop() {
    {
        absl::MutexLock lock(&mutex_);
        stopping_ = true;
        for (auto* watcher : watchers_) watcher->finishForShutdown();
        watchers_.clear();
    }
    if (thread_.joinable()) thread_.join();
}

void WatchHub::run() {
    while (true) {
        absl::MutexLock lock(&mutex_);
        const auto stop =
            +[](WatchHub* self) ABSL_NO_THREAD_SAFETY_ANALYSIS { return self->stopping_; };
        // 10 ms granularity: a 100 ms interval jitters by at most a tenth.
        mutex_.AwaitWithTimeout(absl::Condition(stop, this), absl::Milliseconds(10));
        if (stopping_) return;
        const auto now = std::chrono::steady_clock::now();
        for (auto* watcher : watchers_) watcher->tick(now);
    }
}

}  // namespace rampart::control
