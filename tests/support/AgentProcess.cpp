#include "support/AgentProcess.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <regex>
#include <thread>

#include "support/TempDir.h"

namespace rampart::testing {

bool eventually(const std::function<bool()>& condition, std::chrono::milliseconds timeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < deadline) {
        if (condition()) return true;
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return condition();
}

std::string AgentProcess::binaryPath() { return RAMPART_AGENT_BINARY; }

AgentProcess::AgentProcess(std::filesystem::path workDir, std::filesystem::path configPath)
    : workDir_(std::move(workDir)),
      configPath_(std::move(configPath)),
      readyFile_(workDir_ / "agent.ready.json"),
      logFile_(workDir_ / "agent.log") {}

AgentProcess::~AgentProcess() {
    if (pid_ > 0 && running()) {
        ::kill(pid_, SIGKILL);
        ::waitpid(pid_, nullptr, 0);
    }
}

bool AgentProcess::start(std::chrono::milliseconds timeout) {
    std::filesystem::remove(readyFile_);
    const std::string binary = binaryPath();
    const std::string config = configPath_.string();
    const std::string ready = readyFile_.string();
    const int logFd = ::open(logFile_.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
    pid_ = ::fork();
    if (pid_ == 0) {
        ::dup2(logFd, STDERR_FILENO);
        ::dup2(logFd, STDOUT_FILENO);
        std::vector<char*> argv{const_cast<char*>(binary.c_str()), const_cast<char*>("--config"),
                                const_cast<char*>(config.c_str()),
                                const_cast<char*>("--ready-file"),
                                const_cast<char*>(ready.c_str())};
        for (const auto& a : extraArgs) argv.push_back(const_cast<char*>(a.c_str()));
        argv.push_back(nullptr);
        ::execv(binary.c_str(), argv.data());
        ::_exit(127);
    }
    ::close(logFd);
    const bool ready_ =
        eventually([&] { return std::filesystem::exists(readyFile_) || !running(); }, timeout);
    if (!ready_ || !std::filesystem::exists(readyFile_)) return false;
    std::smatch match;
    const std::string content = readFile(readyFile_);
    static const std::regex portPattern("\"grpc_port\":([0-9]+)");
    if (!std::regex_search(content, match, portPattern)) return false;
    port_ = std::stoi(match[1]);
    static const std::regex httpPortPattern("\"http_port\":([0-9]+)");
    if (std::regex_search(content, match, httpPortPattern)) httpPort_ = std::stoi(match[1]);
    static const std::regex controlPortPattern("\"control_port\":([0-9]+)");
    if (std::regex_search(content, match, controlPortPattern)) controlPort_ = std::stoi(match[1]);
    return true;
}

void AgentProcess::signal(int signo) const {
    if (pid_ > 0) ::kill(pid_, signo);
}

bool AgentProcess::running() {
    if (pid_ <= 0) return false;
    int status = 0;
    const pid_t done = ::waitpid(pid_, &status, WNOHANG);
    if (done == pid_) {
        exitStatus_ = status;
        pid_ = -1;
        return false;
    }
    return true;
}

int AgentProcess::waitForExit(std::chrono::milliseconds timeout) {
    if (!eventually([&] { return !running(); }, timeout)) return -1;
    return WIFEXITED(exitStatus_) ? WEXITSTATUS(exitStatus_) : -1;
}

std::string AgentProcess::log() const { return readFile(logFile_); }

int runAgent(const std::vector<std::string>& args, std::string& output) {
    TempDir dir;
    const auto outFile = dir.file("out.txt");
    const int fd = ::open(outFile.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    const std::string binary = AgentProcess::binaryPath();
    const pid_t pid = ::fork();
    if (pid == 0) {
        ::dup2(fd, STDOUT_FILENO);
        ::dup2(fd, STDERR_FILENO);
        std::vector<char*> argv{const_cast<char*>(binary.c_str())};
        for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
        argv.push_back(nullptr);
        ::execv(binary.c_str(), argv.data());
        ::_exit(127);
    }
    ::close(fd);
    int status = 0;
    ::waitpid(pid, &status, 0);
    output = readFile(outFile);
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

}  // namespace rampart::testing
