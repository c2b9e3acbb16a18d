#include "scaling/LocalWorkers.h"

#include <signal.h>
#include <spdlog/spdlog.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>

namespace rampart::scaling {

LocalWorkers::LocalWorkers(std::string executable, std::vector<std::string> workerArgs,
                           std::chrono::milliseconds drainGrace)
    : executable_(std::move(executable)), args_(std::move(workerArgs)), drainGrace_(drainGrace) {
    supervisor_ = std::thread([this] { supervise(); });
}

LocalWorkers::~LocalWorkers() {
    std::string ignored;
    scaleTo(1, ignored).IgnoreError();
    {
        absl::MutexLock lock(&mutex_);
        stopping_ = true;
    }
    supervisor_.join();
}

pid_t LocalWorkers::spawn(int index) {
    std::vector<std::string> args = args_;
    args.push_back("--worker-index");
    args.push_back(std::to_string(index));
    std::vector<char*> argv{const_cast<char*>(executable_.c_str())};
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    const pid_t parent = ::getpid();
    const pid_t pid = ::fork();
    if (pid == 0) {
        // A worker never outlives its supervisor.
        ::prctl(PR_SET_PDEATHSIG, SIGTERM);
        if (::getppid() != parent) ::_exit(1);
        sigset_t none;
        sigemptyset(&none);
        ::pthread_sigmask(SIG_SETMASK, &none, nullptr);  // the parent blocks signals for sigwait
        ::execv(executable_.c_str(), argv.data());
        ::_exit(127);
    }
    return pid;
}

absl::StatusOr<uint32_t> LocalWorkers::current() {
    absl::MutexLock lock(&mutex_);
    return 1 + static_cast<uint32_t>(std::count_if(workers_.begin(), workers_.end(),
                                                   [](const Worker& w) { return !w.retiring; }));
}

absl::Status LocalWorkers::scaleTo(uint32_t replicas, std::string& detail) {
    if (replicas < 1) return absl::InvalidArgumentError("the local backend keeps at least 1 replica (the agent itself)");
    std::vector<pid_t> retiring;
    {
        absl::MutexLock lock(&mutex_);
        size_t active = std::count_if(workers_.begin(), workers_.end(), [](const Worker& w) { return !w.retiring; });
        int nextIndex = 1;
        for (const auto& w : workers_) nextIndex = std::max(nextIndex, w.index + 1);
        while (active + 1 < replicas) {
            Worker w;
            w.index = nextIndex++;
            w.pid = spawn(w.index);
            if (w.pid < 0) return absl::InternalError("fork failed");
            workers_.push_back(w);
            detail += "started worker " + std::to_string(w.index) + " (pid " + std::to_string(w.pid) + "); ";
            ++active;
        }
        // Newest first, so long-lived workers (and their warm caches) stay.
        for (auto it = workers_.rbegin(); it != workers_.rend() && active + 1 > replicas; ++it) {
            if (it->retiring) continue;
            it->retiring = true;
            ::kill(it->pid, SIGTERM);
            retiring.push_back(it->pid);
            detail += "draining worker " + std::to_string(it->index) + " (pid " + std::to_string(it->pid) + "); ";
            --active;
        }
    }
    if (retiring.empty()) return absl::OkStatus();
    // Wait for the drains; the supervisor reaps them.
    const auto gone = [&]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mutex_) {
        return std::none_of(workers_.begin(), workers_.end(), [&](const Worker& w) {
            return std::find(retiring.begin(), retiring.end(), w.pid) != retiring.end();
        });
    };
    absl::MutexLock lock(&mutex_);
    const auto deadline = absl::Now() + absl::Milliseconds(drainGrace_.count() + 2000);
    while (!gone() && absl::Now() < deadline) mutex_.AwaitWithDeadline(absl::Condition(&gone), deadline);
    if (!gone()) {
        for (const auto& w : workers_) {
            if (std::find(retiring.begin(), retiring.end(), w.pid) != retiring.end()) ::kill(w.pid, SIGKILL);
        }
        detail += "killed workers that did not drain in time; ";
        mutex_.AwaitWithTimeout(absl::Condition(&gone), absl::Seconds(5));
    }
    return absl::OkStatus();
}

void LocalWorkers::supervise() {
    while (true) {
        {
            absl::MutexLock lock(&mutex_);
            if (stopping_ && workers_.empty()) return;
            for (auto it = workers_.begin(); it != workers_.end();) {
                int status = 0;
                if (::waitpid(it->pid, &status, WNOHANG) != it->pid) {
                    ++it;
                    continue;
                }
                if (it->retiring || stopping_) {
                    it = workers_.erase(it);
                    continue;
                }
                spdlog::warn("worker {} (pid {}) exited with status {}; restarting", it->index, it->pid,
                             WIFEXITED(status) ? WEXITSTATUS(status) : -WTERMSIG(status));
                ++restarts_;
                it->pid = spawn(it->index);
                ++it;
            }
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
}

uint64_t LocalWorkers::restarts() const {
    absl::MutexLock lock(&mutex_);
    return restarts_;
}

std::vector<pid_t> LocalWorkers::workerPids() const {
    absl::MutexLock lock(&mutex_);
    std::vector<pid_t> pids;
    for (const auto& w : workers_) pids.push_back(w.pid);
    return pids;
}

}  // namespace rampart::scaling
