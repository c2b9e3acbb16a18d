// The command backend and the process runner under it, with real scripts run through execv.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <pthread.h>
#include <signal.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <string>

#include "scaling/CommandBackend.h"
#include "scaling/ProcessRunner.h"
#include "support/AgentProcess.h"
#include "support/TempDir.h"

namespace rampart::scaling {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

// Gone, or a zombie that whoever inherited it has not reaped yet: either way no longer running.
bool gone(pid_t pid) {
    if (::kill(pid, 0) != 0) return errno == ESRCH;
    std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
    std::string line;
    std::getline(stat, line);
    const auto end = line.rfind(')');
    return end != std::string::npos && end + 2 < line.size() && line[end + 2] == 'Z';
}

pid_t pidIn(const std::filesystem::path& file) { return std::stoi(testing::readFile(file)); }

class CommandBackendTest : public ::testing::Test {
protected:
    // A /bin/sh script in the temp dir, executable.
    std::string script(const std::string& name, const std::string& body) {
        const auto path = dir.write(name, "#!/bin/sh\n" + body + "\n");
        std::filesystem::permissions(path, std::filesystem::perms::owner_all);
        return path.string();
    }

    ScalingConfig configFor(const std::string& path) {
        ScalingConfig config;
        config.backend = "command";
        config.minReplicas = 2;
        config.maxReplicas = 10;
        config.command.path = path;
        config.command.timeout = 10s;
        return config;
    }

    std::string at(const std::string& name) const { return dir.file(name).string(); }

    testing::TempDir dir;
};

TEST_F(CommandBackendTest, passesTheCountLastAndArgumentsVerbatim) {
    auto config = configFor(
        script("hook", "for a in \"$@\"; do printf '%s\\n' \"$a\"; done > '" + at("args") + "'"));
    const std::string hostile = "prod; touch '" + at("pwned") + "'";
    config.command.args = {"--workspace", hostile};
    CommandBackend backend(config);

    std::string detail;
    ASSERT_TRUE(backend.scaleTo(5, detail).ok()) << detail;
    EXPECT_EQ(testing::readFile(dir.file("args")), "--workspace\n" + hostile + "\n5\n");
    EXPECT_FALSE(std::filesystem::exists(dir.file("pwned")));  // no shell between us and it
    EXPECT_EQ(*backend.current(), 5u);
}

TEST_F(CommandBackendTest, capturesOutputAndExitStatusInDetail) {
    CommandBackend backend(
        configFor(script("hook", "echo \"applying $1 replicas\"\necho 'a warning' >&2")));
    std::string detail;
    ASSERT_TRUE(backend.scaleTo(4, detail).ok()) << detail;
    EXPECT_NE(detail.find("exit status 0"), std::string::npos) << detail;
    EXPECT_NE(detail.find("applying 4 replicas"), std::string::npos) << detail;
    EXPECT_NE(detail.find("a warning"), std::string::npos) << detail;
}

TEST_F(CommandBackendTest, nonZeroExitIsAnErrorCarryingTheCode) {
    CommandBackend backend(configFor(script("hook", "echo 'quota exceeded' >&2\nexit 3")));
    std::string detail;
    const auto status = backend.scaleTo(6, detail);
    EXPECT_EQ(status.code(), absl::StatusCode::kUnknown);
    EXPECT_NE(status.message().find("exit status 3"), std::string::npos) << status;
    EXPECT_NE(detail.find("exit status 3"), std::string::npos) << detail;
    EXPECT_NE(detail.find("quota exceeded"), std::string::npos) << detail;
    EXPECT_EQ(*backend.current(), 2u) << "a failed run is not the current count";
}

TEST_F(CommandBackendTest, timeoutKillsTheHookAndWhatItStarted) {
    auto config = configFor(script("hook", "sleep 1000 &\necho $! > '" + at("grandchild.pid") +
                                               "'\necho $$ > '" + at("hook.pid") + "'\nwait"));
    config.command.timeout = 1s;
    CommandBackend backend(config);

    std::string detail;
    const auto started = Clock::now();
    const auto status = backend.scaleTo(3, detail);
    const auto took = Clock::now() - started;

    EXPECT_EQ(status.code(), absl::StatusCode::kDeadlineExceeded) << status;
    EXPECT_GE(took, 1s);
    EXPECT_LT(took, 1s + 3s);
    EXPECT_NE(detail.find("killed after timeout"), std::string::npos) << detail;
    EXPECT_TRUE(gone(pidIn(dir.file("hook.pid"))));
    const pid_t grandchild = pidIn(dir.file("grandchild.pid"));
    EXPECT_TRUE(testing::eventually([&] { return gone(grandchild); }, 5s));
}

TEST_F(CommandBackendTest, hookIgnoringSigtermIsKilledTwoSecondsLater) {
    auto config = configFor(script(
        "hook", "trap '' TERM\nsleep 1000 &\necho $! > '" + at("grandchild.pid") + "'\nwait"));
    config.command.timeout = 500ms;
    CommandBackend backend(config);

    std::string detail;
    const auto started = Clock::now();
    const auto status = backend.scaleTo(3, detail);
    const auto took = Clock::now() - started;

    EXPECT_EQ(status.code(), absl::StatusCode::kDeadlineExceeded) << status;
    EXPECT_GE(took, 500ms + 2s);
    EXPECT_LT(took, 500ms + 3s);
    const pid_t grandchild = pidIn(dir.file("grandchild.pid"));
    EXPECT_TRUE(testing::eventually([&] { return gone(grandchild); }, 5s));
}

TEST_F(CommandBackendTest, hugeOutputIsTruncatedAt64KiB) {
    CommandBackend backend(
        configFor(script("hook", "head -c 1000000 /dev/zero | tr '\\0' x\necho finished >&2")));
    std::string detail;
    // Succeeding at all shows the rest was drained: a full pipe would have blocked the hook.
    ASSERT_TRUE(backend.scaleTo(2, detail).ok()) << detail.substr(0, 200);
    EXPECT_LT(detail.size(), kMaxProcessOutputBytes + 200);
    EXPECT_NE(detail.find("[output truncated after 65536 bytes]"), std::string::npos);
    EXPECT_EQ(detail.find("finished"), std::string::npos);
}

TEST_F(CommandBackendTest, missingExecutableIsAClearError) {
    CommandBackend backend(configFor(at("no-such-hook")));
    std::string detail;
    const auto status = backend.scaleTo(3, detail);
    EXPECT_EQ(status.code(), absl::StatusCode::kNotFound) << status;
    EXPECT_NE(status.message().find(at("no-such-hook")), std::string::npos) << status;
    EXPECT_NE(detail.find("no-such-hook"), std::string::npos) << detail;
}

TEST_F(CommandBackendTest, nonExecutableFileIsRefused) {
    const auto path = dir.write("not-executable", "#!/bin/sh\nexit 0\n");
    std::filesystem::permissions(
        path, std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);
    CommandBackend backend(configFor(path.string()));
    std::string detail;
    EXPECT_EQ(backend.scaleTo(3, detail).code(), absl::StatusCode::kPermissionDenied);
}

TEST_F(CommandBackendTest, countOutsideTheBoundsIsRefusedWithoutRunning) {
    CommandBackend backend(configFor(script("hook", "touch '" + at("ran") + "'")));
    std::string detail;
    EXPECT_EQ(backend.scaleTo(1, detail).code(), absl::StatusCode::kInvalidArgument);
    EXPECT_EQ(backend.scaleTo(11, detail).code(), absl::StatusCode::kInvalidArgument);
    EXPECT_FALSE(std::filesystem::exists(dir.file("ran")));
}

TEST_F(CommandBackendTest, withoutCurrentPathTheLastAppliedCountIsReported) {
    CommandBackend backend(configFor(script("hook", "exit 0")));
    EXPECT_EQ(*backend.current(), 2u);  // minReplicas until a run succeeds
    std::string detail;
    ASSERT_TRUE(backend.scaleTo(7, detail).ok());
    EXPECT_EQ(*backend.current(), 7u);
}

TEST_F(CommandBackendTest, currentIsReadFromCurrentPath) {
    auto config = configFor(script("hook", "exit 0"));
    config.command.currentPath = script("count", "echo '  7 '\necho 'warning: stale state' >&2");
    CommandBackend backend(config);
    const auto current = backend.current();
    ASSERT_TRUE(current.ok()) << current.status();
    EXPECT_EQ(*current, 7u);
}

TEST_F(CommandBackendTest, garbageFromCurrentPathIsAnError) {
    for (const std::string body :
         {"echo seven", "echo ''", "echo -3", "echo 99999999999", "echo '4 replicas'"}) {
        auto config = configFor(script("hook", "exit 0"));
        config.command.currentPath = script("count", body);
        CommandBackend backend(config);
        const auto current = backend.current();
        EXPECT_FALSE(current.ok()) << body << " gave " << *current;
    }
    auto config = configFor(script("hook", "exit 0"));
    config.command.currentPath = script("count", "echo seven");
    const auto status = CommandBackend(config).current().status();
    EXPECT_NE(status.message().find("seven"), std::string::npos) << status;
}

TEST_F(CommandBackendTest, failingCurrentPathIsAnErrorWithItsExitStatus) {
    auto config = configFor(script("hook", "exit 0"));
    config.command.currentPath = script("count", "echo 5\nexit 4");
    const auto status = CommandBackend(config).current().status();
    EXPECT_NE(status.message().find("exit status 4"), std::string::npos) << status;
}

TEST_F(CommandBackendTest, factoryMakesACommandBackend) {
    EXPECT_EQ(makeCommandBackend(configFor(script("hook", "exit 0")))->name(), "command");
}

// The runner's own guarantees, beyond what the backend shows.
class ProcessRunnerTest : public CommandBackendTest {};

TEST_F(ProcessRunnerTest, stdinIsDevNull) {
    const auto result =
        runProcess(script("read", "if read line; then echo got; else echo eof; fi"), {}, 10s);
    ASSERT_TRUE(result.ok()) << result.status();
    EXPECT_EQ(result->output, "eof\n");
}

TEST_F(ProcessRunnerTest, completesWhenSomethingLeftBehindHoldsThePipe) {
    const auto started = Clock::now();
    const auto result = runProcess(
        script("detach", "sleep 1000 &\necho $! > '" + at("left.pid") + "'\necho done"), {}, 20s);
    const auto took = Clock::now() - started;
    ASSERT_TRUE(result.ok()) << result.status();
    const pid_t left = pidIn(dir.file("left.pid"));
    ::kill(left, SIGKILL);
    EXPECT_EQ(result->exitCode, 0);
    EXPECT_FALSE(result->timedOut);
    EXPECT_EQ(result->output, "done\n");
    EXPECT_LT(took, 5s);
}

TEST_F(ProcessRunnerTest, sigtermReachesTheHookEvenWhenTheCallerBlocksIt) {
    // As the agent's signal thread arrangement does on every thread it starts.
    sigset_t term, previous;
    sigemptyset(&term);
    sigaddset(&term, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &term, &previous);
    const auto result = runProcess(script("sleeper", "exec sleep 1000"), {}, 300ms);
    pthread_sigmask(SIG_SETMASK, &previous, nullptr);

    ASSERT_TRUE(result.ok()) << result.status();
    EXPECT_TRUE(result->timedOut);
    EXPECT_EQ(result->termSignal, SIGTERM) << "SIGKILL means SIGTERM was still blocked";
    EXPECT_EQ(describeEnd(*result), "killed after timeout");
}

TEST_F(ProcessRunnerTest, deathBySignalIsReported) {
    const auto result = runProcess(script("suicide", "kill -9 $$"), {}, 10s);
    ASSERT_TRUE(result.ok()) << result.status();
    EXPECT_EQ(result->termSignal, SIGKILL);
    EXPECT_EQ(result->exitCode, -1);
    EXPECT_EQ(describeEnd(*result), "killed by signal 9");
}

TEST_F(ProcessRunnerTest, descriptorsWithoutCloexecDoNotLeakIntoTheHook) {
    const int leaky = ::open("/dev/null", O_RDONLY);  // deliberately without O_CLOEXEC
    ASSERT_GE(leaky, 0);
    const std::string fd = std::to_string(leaky);
    const auto result = runProcess(
        script("fds", "if [ -e /proc/$$/fd/" + fd + " ]; then echo leaked; else echo clean; fi"),
        {}, 10s);
    ::close(leaky);
    ASSERT_TRUE(result.ok()) << result.status();
    EXPECT_EQ(result->output, "clean\n");
}

TEST_F(ProcessRunnerTest, outputBeyondTheLimitIsCountedAsTruncated) {
    const auto result =
        runProcess(script("spew", "head -c 200000 /dev/zero | tr '\\0' y"), {}, 10s);
    ASSERT_TRUE(result.ok()) << result.status();
    EXPECT_EQ(result->output.size(), kMaxProcessOutputBytes);
    EXPECT_TRUE(result->truncated);
    EXPECT_EQ(result->exitCode, 0);
}

TEST_F(ProcessRunnerTest, stderrCanBeDiscarded) {
    const auto result =
        runProcess(script("both", "echo out\necho err >&2"), {}, 10s, StderrTo::kDiscard);
    ASSERT_TRUE(result.ok()) << result.status();
    EXPECT_EQ(result->output, "out\n");
}

}  // namespace
}  // namespace rampart::scaling
