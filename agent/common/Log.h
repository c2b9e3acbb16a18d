#pragma once

#include <string>

namespace rampart {

// Configures the process-wide spdlog logger: level (trace..off) and format ("text" for people,
// "json" for log shippers: one object per line with time, level, logger and msg). Messages are
// written as `what happened key=value ...`; a token or a secret never goes into one.
void setupLogging(const std::string& level, const std::string& format);

}  // namespace rampart
