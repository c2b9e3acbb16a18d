// rampartctl: Rampart from a terminal or a CI/CD job.
#include <CLI/CLI.hpp>

#include "Commands.h"

int main(int argc, char** argv) {
    CLI::App app{"rampartctl: operate Rampart agents from a terminal or a pipeline"};
    app.require_subcommand(1);
    int exitCode = 0;
    rampart::ctl::addKeyCommands(app, exitCode);
    rampart::ctl::addTokenCommands(app, exitCode);
    rampart::ctl::addCheckCommand(app, exitCode);
    rampart::ctl::addControlCommands(app, exitCode);
    CLI11_PARSE(app, argc, argv);
    return exitCode;
}
