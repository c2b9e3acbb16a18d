#pragma once

#include <chrono>
#include <optional>
#include <string_view>

namespace rampart::config {

// "250ms", "30s", "5m", "1h", or a bare number of seconds. Nothing else: a typo must not
// silently become zero.
std::optional<std::chrono::milliseconds> parseDuration(std::string_view text);

}  // namespace rampart::config
