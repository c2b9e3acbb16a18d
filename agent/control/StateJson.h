#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "control/Records.h"

namespace rampart::control {

// The JSON forms of operator state, shared by the state file, its journal, the audit log and
// rampartctl --json. The readers throw (nlohmann::json::exception or std::runtime_error) on a
// missing member or a value that cannot be enforced (null for a NaN, a bad address). A finite
// limit outside the range an operator may set today (an older agent accepted wider ones) is
// kept, with a warning: the GCRA saturates at its edges, so it is safe, and refusing it would
// stop an upgraded node from starting.
nlohmann::json limitsJson(const limits::LimitSet& limits);
nlohmann::json blockJson(const BlockRecord& block);
nlohmann::json revocationJson(const RevocationRecord& revocation);

limits::LimitSet limitsFromJson(const nlohmann::json& j);
BlockRecord blockFromJson(const nlohmann::json& j);
RevocationRecord revocationFromJson(const nlohmann::json& j);

// An integer member that must be a JSON integer within T's range: nlohmann's get<int64_t>()
// casts whatever number it holds (1e30 is undefined behaviour, -1 wraps into an unsigned field),
// and a state file may have been edited by hand or torn. Throws std::runtime_error otherwise.
template <typename T>
T integerFrom(const nlohmann::json& j, const char* name);
// The same for an optional member: `fallback` when absent.
template <typename T>
T integerOr(const nlohmann::json& object, const char* name, T fallback);
// A counter that only ever goes up by one (a revision, a sequence number): 0 to 2^63 - 1, since
// a value near 2^64 is no real history and would wrap at the next change. 0 when absent.
uint64_t counterFrom(const nlohmann::json& object, const char* name);

// Compact text; a byte that is not UTF-8 (in a reason, say) is replaced, where nlohmann's default
// would throw, so a change can never become unsavable.
std::string dumped(const nlohmann::json& j, int indent = -1);

}  // namespace rampart::control
