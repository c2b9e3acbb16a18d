#include "config/Duration.h"

#include <charconv>

namespace rampart::config {

std::optional<std::chrono::milliseconds> parseDuration(std::string_view text) {
    int64_t value = 0;
    const auto* end = text.data() + text.size();
    auto [rest, error] = std::from_chars(text.data(), end, value);
    if (error != std::errc() || value < 0 || rest == text.data()) return std::nullopt;
    const std::string_view unit(rest, end - rest);
    int64_t scale = 0;
    if (unit.empty() || unit == "s") {
        scale = 1000;
    } else if (unit == "ms") {
        scale = 1;
    } else if (unit == "m") {
        scale = 60'000;
    } else if (unit == "h") {
        scale = 3'600'000;
    } else {
        return std::nullopt;
    }
    constexpr int64_t kMaxMs = int64_t{1} << 50;  // ~35,000 years; keeps the product in range
    if (value > kMaxMs / scale) return std::nullopt;
    return std::chrono::milliseconds(value * scale);
}

}  // namespace rampart::config
