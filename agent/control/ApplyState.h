#pragma once

#include "control/Records.h"
#include "engine/CheckEngine.h"

namespace rampart::control {

// Puts operator state into force on the engine: limits, and blocks and revocations as the hot
// path's RuleSet. Used by the control plane after each change, and by local workers that follow
// the control plane's state file.
void applyToEngine(const ControlState& state, CheckEngine& engine);

}  // namespace rampart::control
