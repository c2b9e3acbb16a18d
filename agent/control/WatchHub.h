#pragma once

#include <chrono>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/synchronization/mutex.h"
#include "control/SnapshotBuilder.h"
#include "rampart/v1/control.grpc.pb.h"

namespace rampart::control {

class WatchHub;

// One Watch call: a server stream written by the hub's thread on schedule. A client too slow to
// take a snapshot before the next is due simply skips one (counts since the previous snapshot
// it did get stay correct, so nothing is lost).
class WatchReactor final : public grpc::ServerWriteReactor<v1::Snapshot> {
public:
    // `identity`: the caller's, as the AccessPolicy named it; the hub counts Watch calls by it.
    WatchReactor(WatchHub& hub, std::string identity, std::unique_ptr<SnapshotBuilder> builder,
                 std::chrono::milliseconds interval);

    void OnWriteDone(bool ok) override;
    void OnCancel() override;
    void OnDone() override;

private:
    friend class WatchHub;
    void tick(std::chrono::steady_clock::time_point now);  // called by the hub, under its lock
    void end(grpc::Status status);
    void finishForShutdown();  // called by the hub, under its lock

    WatchHub& hub_;
    const std::string identity_;
    std::unique_ptr<SnapshotBuilder> builder_;
    const std::chrono::milliseconds interval_;
    std::chrono::steady_clock::time_point due_;
    absl::Mutex mutex_;
    v1::Snapshot snapshot_ ABSL_GUARDED_BY(mutex_);
    bool writing_ ABSL_GUARDED_BY(mutex_) = false;
    bool finished_ ABSL_GUARDED_BY(mutex_) = false;
};

// Drives every open Watch from one thread.
class WatchHub {
public:
    static constexpr size_t kMaxWatchers = 256;
    // So that one viewer (a script in a loop, a leaked certificate) cannot hold every slot: a
    // console holds one Watch per node, a war room a handful of consoles per certificate.
    static constexpr size_t kMaxWatchersPerIdentity = 16;

    WatchHub();
    ~WatchHub();

    // OK, or RESOURCE_EXHAUSTED saying which limit was reached.
    grpc::Status add(WatchReactor* reactor);
    void remove(WatchReactor* reactor);
    // Ends every open Watch (the node is shutting down) and stops the thread.
    void stop();

private:
    void run();

    absl::Mutex mutex_;
    std::vector<WatchReactor*> watchers_ ABSL_GUARDED_BY(mutex_);
    bool stopping_ ABSL_GUARDED_BY(mutex_) = false;
    std::thread thread_;
};

}  // namespace rampart::control
