#pragma once

#include <string>

#include "engine/CheckEngine.h"
#include "jwt/KeyStore.h"
#include "keys/KeyRefresher.h"

namespace rampart::server {

// Everything /metrics reports, in Prometheus text format. Counters are summed from per-thread
// blocks at scrape time; nothing here is on the hot path.
std::string renderMetrics(CheckEngine& engine, const jwt::KeyStore& keys,
                          const keys::KeyRefresher* refresher);

}  // namespace rampart::server
