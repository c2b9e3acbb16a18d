#include "scaling/ProcessRunner.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <climits>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"

#if __has_include(<linux/close_range.h>)
#include <linux/close_range.h>
#endif

namespace rampart::scaling {
namespace {

using Clock = std::chrono::steady_clock;

constexpr auto kKillGrace = std::chrono::seconds(2);
// Kernels before 5.3 have no pidfd to wait on; there the exit is noticed at this interval.
constexpr auto kExitPollInterval = std::chrono::milliseconds(20);
// Where the close-on-exec sweep stops when close_range(2) is unavailable.
constexpr int kMaxSweptFd = 65536;

class Fd {
public:
    Fd() = default;
    explicit Fd(int fd) : fd_(fd) {}
    ~Fd() { reset(); }
    Fd(Fd&& other) noexcept : fd_(std::exchange(other.fd_, -1)) {}
    Fd& operator=(Fd&& other) noexcept {
        if (this != &other) {
            reset();
            fd_ = std::exchange(other.fd_, -1);
        }
        return *this;
    }
    int get() const { return fd_; }
    bool valid() const { return fd_ >= 0; }
    void reset() {
        if (fd_ >= 0) ::close(fd_);
        fd_ = -1;
    }

private:
    int fd_ = -1;
};

// Keeps descriptors we hand to the child off 0–2, so a dup2 onto a standard stream never meets
// itself (which would leave close-on-exec set) when the agent runs with one of them closed.
Fd aboveStdio(int fd) {
    if (fd < 0 || fd > STDERR_FILENO) return Fd(fd);
    Fd moved(::fcntl(fd, F_DUPFD_CLOEXEC, STDERR_FILENO + 1));
    ::close(fd);
    return moved;
}

absl::Status makePipe(Fd& readEnd, Fd& writeEnd) {
    int fds[2];
    if (::pipe2(fds, O_CLOEXEC) != 0) return absl::ErrnoToStatus(errno, "pipe");
    readEnd = aboveStdio(fds[0]);
    writeEnd = aboveStdio(fds[1]);
    if (!readEnd.valid() || !writeEnd.valid()) return absl::ErrnoToStatus(errno, "pipe");
    return absl::OkStatus();
}

Fd openPidFd(pid_t pid) {
#ifdef SYS_pidfd_open
    return Fd(static_cast<int>(::syscall(SYS_pidfd_open, pid, 0)));
#else
    return Fd();
#endif
}

// Everything the child needs, prepared before fork: a forked copy of a threaded process may only
// make async-signal-safe calls, so no allocation happens past fork().
struct ChildSetup {
    const char* path;
    char* const* argv;
    int stdinFd;
    int stdoutFd;
    int stderrFd;
    int execErrorFd;  // close-on-exec: closed by a successful exec, written on a failed one
};

[[noreturn]] void execChild(const ChildSetup& setup) {
    // A group of its own, so a timeout reaches whatever the hook starts (terraform's providers,
    // a CLI's helpers) and not the agent.
    ::setpgid(0, 0);
    // The agent blocks SIGTERM/SIGINT/SIGHUP for its signal thread, and both the mask and ignored
    // dispositions survive exec: left alone, the hook could not be terminated.
    sigset_t none;
    ::sigemptyset(&none);
    ::sigprocmask(SIG_SETMASK, &none, nullptr);
    struct sigaction defaults {};
    defaults.sa_handler = SIG_DFL;
    for (int sig = 1; sig < NSIG; ++sig) {
        if (sig != SIGKILL && sig != SIGSTOP) ::sigaction(sig, &defaults, nullptr);
    }
    if (::dup2(setup.stdinFd, STDIN_FILENO) < 0 || ::dup2(setup.stdoutFd, STDOUT_FILENO) < 0 ||
        ::dup2(setup.stderrFd, STDERR_FILENO) < 0) {
        const int error = errno;
        (void)!::write(setup.execErrorFd, &error, sizeof error);
        ::_exit(127);
    }
    // Descriptors opened without O_CLOEXEC (listening sockets among them) must not stay open
    // for as long as a hook, or something it leaves behind, runs.
    bool swept = false;
#if defined(SYS_close_range) && defined(CLOSE_RANGE_CLOEXEC)
    swept = ::syscall(SYS_close_range, STDERR_FILENO + 1, ~0U, CLOSE_RANGE_CLOEXEC) == 0;
#endif
    for (int fd = STDERR_FILENO + 1; !swept && fd < kMaxSweptFd; ++fd) {
        ::fcntl(fd, F_SETFD, FD_CLOEXEC);
    }
    ::execv(setup.path, setup.argv);
    const int error = errno;
    (void)!::write(setup.execErrorFd, &error, sizeof error);
    ::_exit(127);
}

int millisecondsUntil(Clock::time_point until) {
    const auto left = std::chrono::ceil<std::chrono::milliseconds>(until - Clock::now()).count();
    return static_cast<int>(std::clamp<decltype(left)>(left, 0, INT_MAX));
}

// Whether anything in the group still runs. Signal 0 alone would also count zombies, and
// orphans are reaped by whatever init the host has, on its own schedule (some reap lazily, an
// agent running as a container's PID 1 never does); /proc tells them apart.
bool groupAlive(pid_t group) {
    if (::kill(-group, 0) != 0 && errno != EPERM) return false;
    std::error_code ec;
    std::filesystem::directory_iterator proc("/proc", ec);
    if (ec) return true;
    for (; !ec && proc != std::filesystem::directory_iterator(); proc.increment(ec)) {
        const std::string name = proc->path().filename().string();
        if (name.empty() || !absl::ascii_isdigit(name.front())) continue;
        std::ifstream stat(proc->path() / "stat");
        std::string line;
        if (!std::getline(stat, line)) continue;
        // "pid (comm) state ppid pgrp ...": comm may hold anything, so parse after the last ')'.
        const auto end = line.rfind(')');
        if (end == std::string::npos) continue;
        std::istringstream fields(line.substr(end + 1));
        char state = 0;
        long parent = 0, processGroup = 0;
        if (fields >> state >> parent >> processGroup && processGroup == group && state != 'Z' &&
            state != 'X') {
            return true;
        }
    }
    return false;
}

// The started child: its exit, and the pipe its output arrives through.
class Child {
public:
    Child(pid_t pid, Fd output, ProcessResult& result)
        : pid_(pid), pidFd_(openPidFd(pid)), output_(std::move(output)), result_(result) {
        ::fcntl(output_.get(), F_SETFL, ::fcntl(output_.get(), F_GETFL) | O_NONBLOCK);
    }

    pid_t pid() const { return pid_; }
    bool exited() const { return exited_; }

    // Reads output until the child exits (true) or `until` passes (false).
    bool waitUntil(Clock::time_point until) {
        while (!reap()) {
            if (Clock::now() >= until) return false;
            wait(until);
        }
        return true;
    }

    // Keeps reading output until `until`, for what outlives the child.
    void readUntil(Clock::time_point until) {
        while (Clock::now() < until) wait(until);
    }

    // What the child wrote before it exited is in the pipe now; anything its leftovers write
    // later is not waited for.
    void drainPending() {
        int pending = 0;
        if (!output_.valid() || ::ioctl(output_.get(), FIONREAD, &pending) != 0) return;
        while (pending > 0 && output_.valid()) {
            const ssize_t n = readOnce();
            if (n <= 0) break;
            pending -= static_cast<int>(n);
        }
    }

private:
    bool reap() {
        if (exited_) return true;
        int status = 0;
        const pid_t done = ::waitpid(pid_, &status, WNOHANG);
        if (done == pid_) {
            exited_ = true;
            if (WIFEXITED(status)) result_.exitCode = WEXITSTATUS(status);
            if (WIFSIGNALED(status)) result_.termSignal = WTERMSIG(status);
        } else if (done < 0 && errno == ECHILD) {
            exited_ = true;  // SIGCHLD ignored by the embedding process: reaped, status unknown
        }
        if (exited_) pidFd_.reset();  // stays readable from now on: nothing more to wait for
        return exited_;
    }

    void wait(Clock::time_point until) {
        std::array<pollfd, 2> fds{};
        nfds_t count = 0;
        if (output_.valid()) fds[count++] = {output_.get(), POLLIN, 0};
        if (pidFd_.valid()) fds[count++] = {pidFd_.get(), POLLIN, 0};
        int timeoutMs = millisecondsUntil(until);
        if (!pidFd_.valid()) timeoutMs = std::min<int>(timeoutMs, kExitPollInterval.count());
        if (::poll(fds.data(), count, timeoutMs) > 0 && output_.valid() && fds[0].revents != 0) {
            readOnce();
        }
    }

    ssize_t readOnce() {
        std::array<char, 16 * 1024> buffer;
        ssize_t n;
        do {
            n = ::read(output_.get(), buffer.data(), buffer.size());
        } while (n < 0 && errno == EINTR);
        if (n == 0 || (n < 0 && errno != EAGAIN)) {
            output_.reset();
            return n;
        }
        if (n > 0) {
            const size_t room = kMaxProcessOutputBytes - result_.output.size();
            const size_t kept = std::min(room, static_cast<size_t>(n));
            result_.output.append(buffer.data(), kept);
            if (kept < static_cast<size_t>(n)) result_.truncated = true;
        }
        return n;
    }

    pid_t pid_;
    Fd pidFd_;
    Fd output_;
    ProcessResult& result_;
    bool exited_ = false;
};

void terminateGroup(Child& child) {
    ::kill(-child.pid(), SIGTERM);
    const auto killAt = Clock::now() + kKillGrace;
    if (child.waitUntil(killAt)) {
        // The hook is gone; give what it started the rest of the grace period.
        while (Clock::now() < killAt && groupAlive(child.pid())) {
            child.readUntil(std::min(killAt, Clock::now() + kExitPollInterval));
        }
    }
    if (!child.exited() || groupAlive(child.pid())) ::kill(-child.pid(), SIGKILL);
    child.waitUntil(Clock::time_point::max());
}

}  // namespace

absl::StatusOr<ProcessResult> runProcess(const std::string& path,
                                         const std::vector<std::string>& args,
                                         std::chrono::milliseconds timeout, StderrTo stderrTo) {
    std::vector<char*> argv;
    argv.reserve(args.size() + 2);
    argv.push_back(const_cast<char*>(path.c_str()));
    for (const auto& arg : args) argv.push_back(const_cast<char*>(arg.c_str()));
    argv.push_back(nullptr);

    Fd devNull = aboveStdio(::open("/dev/null", O_RDWR | O_CLOEXEC));
    if (!devNull.valid()) return absl::ErrnoToStatus(errno, "open /dev/null");
    Fd outputRead, outputWrite, execErrorRead, execErrorWrite;
    if (auto status = makePipe(outputRead, outputWrite); !status.ok()) return status;
    if (auto status = makePipe(execErrorRead, execErrorWrite); !status.ok()) return status;

    const ChildSetup setup{
        path.c_str(),
        argv.data(),
        devNull.get(),
        outputWrite.get(),
        stderrTo == StderrTo::kOutput ? outputWrite.get() : devNull.get(),
        execErrorWrite.get(),
    };
    const auto started = Clock::now();
    const pid_t pid = ::fork();
    if (pid < 0) return absl::ErrnoToStatus(errno, "fork");
    if (pid == 0) execChild(setup);

    // Also from this side, so the group exists before anything can try to signal it.
    ::setpgid(pid, pid);
    outputWrite.reset();
    execErrorWrite.reset();
    devNull.reset();

    int execError = 0;
    ssize_t n;
    do {
        n = ::read(execErrorRead.get(), &execError, sizeof execError);
    } while (n < 0 && errno == EINTR);
    if (n == static_cast<ssize_t>(sizeof execError)) {
        while (::waitpid(pid, nullptr, 0) < 0 && errno == EINTR) {
        }
        return absl::ErrnoToStatus(execError, "cannot run " + path);
    }

    ProcessResult result;
    Child child(pid, std::move(outputRead), result);
    if (!child.waitUntil(started + timeout)) {
        result.timedOut = true;
        terminateGroup(child);
    }
    child.drainPending();
    return result;
}

std::string describeEnd(const ProcessResult& result) {
    if (result.timedOut) return "killed after timeout";
    if (result.termSignal != 0) return "killed by signal " + std::to_string(result.termSignal);
    if (result.exitCode < 0) return "exit status unknown";
    return "exit status " + std::to_string(result.exitCode);
}

}  // namespace rampart::scaling
