// rampart-agent: validates JWTs for gateways and services.
#include <CLI/CLI.hpp>
#include <spdlog/spdlog.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>

#include "SignalWaiter.h"
#include "common/Log.h"
#include "config/AgentConfig.h"
#include "keys/KeyRefresher.h"
#include "server/Agent.h"

namespace {

// Tells supervisors and tests which port was bound (the config may say port 0), atomically.
void writeReadyFile(const std::string& path, int grpcPort, int httpPort, int controlPort) {
    const std::string temp = path + ".tmp";
    {
        std::ofstream out(temp, std::ios::trunc);
        out << "{\"grpc_port\":" << grpcPort << ",\"http_port\":" << httpPort
            << ",\"control_port\":" << controlPort << ",\"pid\":" << ::getpid() << "}\n";
    }
    std::filesystem::rename(temp, path);
}

int checkConfig(const rampart::config::AgentConfig& config, const std::string& path) {
    rampart::jwt::KeyStore store;
    rampart::keys::KeyRefresher refresher(rampart::keys::makeKeySource(config.keys),
                                          config.keys.algorithms, store, nullptr);
    if (auto loaded = refresher.loadNow(); !loaded.ok()) {
        std::cerr << path << ": jwt.keys: " << loaded.message() << "\n";
        return 1;
    }
    std::cout << path << ": ok (node " << config.nodeId << ", keys "
              << store.current().value->summary() << ")\n";
    return 0;
}

}  // namespace

int main(int argc, char** argv) {
    CLI::App app{"rampart-agent: validates JWTs and applies limits for gateways"};
    std::string configPath;
    std::string readyFile;
    bool onlyCheck = false;
    bool worker = false;
    int workerIndex = 0, grpcPort = -1, httpPort = -1;
    app.add_option("-c,--config", configPath, "YAML configuration file")->required();
    app.add_flag("--check-config", onlyCheck, "Validate the configuration and keys, then exit");
    app.add_option("--ready-file", readyFile, "Write the bound ports here once serving");
    // Used by the local scaling backend when it starts extra data-plane workers.
    app.add_flag("--worker", worker, "Serve only the data plane, following the agent's state file")
        ->group("");
    app.add_option("--worker-index", workerIndex)->group("");
    app.add_option("--grpc-port", grpcPort, "Override the data-plane gRPC port")->group("");
    app.add_option("--http-port", httpPort, "Override the HTTP port")->group("");
    CLI11_PARSE(app, argc, argv);

    auto config = rampart::config::loadConfigFile(configPath);
    if (!config.ok()) {
        std::cerr << "config error: " << config.status().message() << "\n";
        return 2;
    }
    rampart::setupLogging(onlyCheck ? "warn" : config->logLevel, config->logFormat);
    const auto withPort = [](const std::string& listen, int port) {
        return listen.substr(0, listen.rfind(':')) + ":" + std::to_string(port);
    };
    if (grpcPort >= 0) config->grpcListen = withPort(config->grpcListen, grpcPort);
    if (httpPort >= 0 && !config->http.listen.empty()) {
        config->http.listen = withPort(config->http.listen, httpPort);
    }
    if (worker) {
        // A worker is data plane only: the supervising agent owns the control plane, the state
        // and the scaling.
        config->followStateFile = config->control.stateDir + "/state.json";
        config->control.listen.clear();
        config->scaling.backend = "none";
        config->nodeId += "/worker-" + std::to_string(workerIndex);
    }
    if (onlyCheck) return checkConfig(*config, configPath);

    rampart::SignalWaiter signals;  // before any thread starts, so all inherit the mask
    rampart::server::Agent agent(std::move(*config));
    if (auto started = agent.start(); !started.ok()) {
        spdlog::critical("cannot start: {}", std::string(started.message()));
        return 1;
    }
    if (!readyFile.empty()) {
        writeReadyFile(readyFile, agent.grpcPort(), agent.httpPort(), agent.controlPort());
    }

    while (true) {
        const int signal = signals.wait();
        if (signal == SIGHUP) {
            spdlog::info("SIGHUP: reloading keys");
            agent.reloadKeys();
            continue;
        }
        spdlog::info("{}: shutting down", signal == SIGTERM ? "SIGTERM" : "SIGINT");
        agent.shutdown();
        return 0;
    }
}
