#pragma once

#include <cstdint>
#include <string_view>

namespace rampart::limits {

// A 64-bit mix (splitmix64's finaliser) keyed with a per-process random seed, so limiter keys
// spread evenly and an outsider cannot aim many clients at one slot. Never returns 0, which the
// limiter table uses for an empty slot.
uint64_t mixKey(uint64_t value);
uint64_t subjectKey(std::string_view subject);

}  // namespace rampart::limits
