#pragma once

#include <csignal>

namespace rampart {

// Blocks SIGTERM, SIGINT and SIGHUP in the calling thread and in every thread started after it,
// so they can be taken synchronously with wait() instead of in an async-signal handler.
class SignalWaiter {
public:
    SignalWaiter();
    // The next of the three signals to arrive.
    int wait();

private:
    sigset_t set_;
};

}  // namespace rampart
