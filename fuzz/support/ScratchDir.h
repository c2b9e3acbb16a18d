#pragma once

#include <string>

namespace rampart::fuzz {

// A private directory for targets that must go through files (the state file, the audit log),
// made once per process on tmpfs where there is one (fsync there costs nothing) and removed at
// exit. Targets overwrite the same few files in it, so it never grows from input to input.
const std::string& scratchDir();

}  // namespace rampart::fuzz
