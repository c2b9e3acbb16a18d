// The agent's YAML config (config::parseConfig): read at start and again on every reload, where
// "a bad reload keeps the old config and says why" — so any text must come back as a config or
// an error, never as an exception or a crash that takes the running agent down.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "config/AgentConfig.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    const std::string_view yaml(reinterpret_cast<const char*>(data), size);
    const auto config = rampart::config::parseConfig(yaml, "/etc/rampart");
    // Exactly one key source, as AgentConfig promises the code that starts it.
    if (config.ok() && config->keys.file.empty() == config->keys.url.empty()) __builtin_trap();
    return 0;
}
