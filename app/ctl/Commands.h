#pragma once

#include <CLI/CLI.hpp>

namespace rampart::ctl {

// Each adds its subcommands to the app; the callback runs when chosen and sets the exit code.
void addKeyCommands(CLI::App& app, int& exitCode);
void addTokenCommands(CLI::App& app, int& exitCode);
void addCheckCommand(CLI::App& app, int& exitCode);
void addControlCommands(CLI::App& app, int& exitCode);

}  // namespace rampart::ctl
