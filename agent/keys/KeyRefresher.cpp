#include "keys/KeyRefresher.h"

#include <spdlog/spdlog.h>

#include <algorithm>

namespace rampart::keys {

using std::chrono::milliseconds;

KeyRefresher::KeyRefresher(std::unique_ptr<KeySource> source, jwt::AlgorithmBindings bindings,
                           jwt::KeyStore& store, OnReplaced onReplaced)
    : source_(std::move(source)),
      bindings_(std::move(bindings)),
      store_(store),
      onReplaced_(std::move(onReplaced)) {}

KeyRefresher::~KeyRefresher() { stop(); }

absl::Status KeyRefresher::loadNow() {
    auto document = source_->fetch();
    absl::Status status = document.status();
    if (document.ok()) {
        auto parsed = jwt::parseJwks(*document, bindings_);
        if (parsed.ok()) {
            for (const auto& warning : parsed->warnings) {
                spdlog::warn("key skipped source=\"{}\" reason=\"{}\"", source_->describe(), warning);
            }
            const std::string summary = parsed->keys->summary();
            store_.replace(parsed->keys);
            if (onReplaced_) onReplaced_(*parsed->keys);
            spdlog::info("keys loaded source=\"{}\" keys={} kids={} generation={}",
                         source_->describe(), parsed->keys->size(), summary, store_.generation());
            absl::MutexLock lock(&mutex_);
            ++stats_.succeeded;
            stats_.lastSuccessUnix = std::chrono::duration_cast<std::chrono::seconds>(
                                         std::chrono::system_clock::now().time_since_epoch())
                                         .count();
            stats_.lastError.clear();
            return absl::OkStatus();
        }
        status = parsed.status();
    }
    bool firstOfKind = false;
    {
        absl::MutexLock lock(&mutex_);
        ++stats_.failed;
        firstOfKind = stats_.lastError != status.message();
        stats_.lastError = std::string(status.message());
    }
    // A broken file polled every second must not flood the log with the same line.
    if (firstOfKind) {
        spdlog::error("key reload failed, keeping the previous keys source=\"{}\" error=\"{}\"",
                      source_->describe(), std::string(status.message()));
    }
    return status;
}

void KeyRefresher::start() {
    thread_ = std::thread([this] { run(); });
}

void KeyRefresher::stop() {
    {
        absl::MutexLock lock(&mutex_);
        stopping_ = true;
    }
    if (thread_.joinable()) thread_.join();
}

void KeyRefresher::requestReload() {
    absl::MutexLock lock(&mutex_);
    reloadRequested_ = true;
}

ReloadStats KeyRefresher::stats() const {
    absl::MutexLock lock(&mutex_);
    return stats_;
}

void KeyRefresher::run() {
    const milliseconds interval = source_->pollInterval();
    // After a failure, retry sooner than the normal period (1 s, doubling), so an identity
    // provider's brief outage does not leave a rotated key unknown for a whole period.
    milliseconds retry{1000};
    milliseconds wait = store_.ready() ? interval : std::min(interval, retry);
    while (true) {
        bool forced = false;
        {
            absl::MutexLock lock(&mutex_);
            const auto wake = +[](KeyRefresher* self) ABSL_NO_THREAD_SAFETY_ANALYSIS {
                return self->stopping_ || self->reloadRequested_;
            };
            mutex_.AwaitWithTimeout(absl::Condition(wake, this), absl::Milliseconds(wait.count()));
            if (stopping_) return;
            forced = reloadRequested_;
            reloadRequested_ = false;
        }
        if (!forced && !source_->mayHaveChanged()) {
            wait = interval;
            continue;
        }
        if (loadNow().ok()) {
            retry = milliseconds{1000};
            wait = interval;
        } else {
            wait = std::min(interval, retry);
            retry = std::min(retry * 2, milliseconds{60'000});
        }
    }
}

}  // namespace rampart::keys
