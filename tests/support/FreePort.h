#pragma once

namespace rampart::testing {

// A TCP port on 127.0.0.1 that was free a moment ago, for peers that cannot bind port 0 and
// report back (our own agent reports its bound port instead; see AgentProcess).
int freeLoopbackPort();

}  // namespace rampart::testing
