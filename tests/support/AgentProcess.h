#pragma once

#include <sys/types.h>

#include <chrono>
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

namespace rampart::testing {

// Polls `condition` until it holds or `timeout` passes; true if it held. The way tests wait for
// something asynchronous to happen, instead of sleeping and hoping.
bool eventually(const std::function<bool()>& condition,
                std::chrono::milliseconds timeout = std::chrono::seconds(10));

// A real rampart-agent process started from the built binary, with its stderr captured to a
// file. The config should listen on port 0; the bound port is read from the agent's ready file.
class AgentProcess {
public:
    AgentProcess(std::filesystem::path workDir, std::filesystem::path configPath);
    ~AgentProcess();  // SIGKILL if still running
    AgentProcess(const AgentProcess&) = delete;
    AgentProcess& operator=(const AgentProcess&) = delete;

    // Starts and waits for the ready file; false (with log() explaining) if it never came.
    bool start(std::chrono::milliseconds timeout = std::chrono::seconds(20));
    int port() const { return port_; }                // gRPC
    int httpPort() const { return httpPort_; }        // 0 when the config has no http.listen
    int controlPort() const { return controlPort_; }  // 0 when the config has no control.listen
    std::string controlAddress() const { return "127.0.0.1:" + std::to_string(controlPort_); }
    std::string address() const { return "127.0.0.1:" + std::to_string(port_); }
    pid_t pid() const { return pid_; }

    void signal(int signo) const;
    // Waits for exit; returns the exit code, or -1 on timeout / killed by a signal.
    int waitForExit(std::chrono::milliseconds timeout);
    bool running();

    std::string log() const;  // everything the agent wrote to stderr so far

    static std::string binaryPath();

    // More command-line arguments for the next start() (e.g. a fixed --grpc-port).
    std::vector<std::string> extraArgs;

private:
    std::filesystem::path workDir_;
    std::filesystem::path configPath_;
    std::filesystem::path readyFile_;
    std::filesystem::path logFile_;
    pid_t pid_ = -1;
    int exitStatus_ = 0;
    int port_ = 0;
    int httpPort_ = 0;
    int controlPort_ = 0;
};

// Runs the agent binary with arguments to completion (for --check-config); returns the exit
// code and fills `output` with stdout+stderr.
int runAgent(const std::vector<std::string>& args, std::string& output);

}  // namespace rampart::testing
