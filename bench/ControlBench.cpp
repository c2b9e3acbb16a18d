// rampart-bench-control: what the control plane costs and how fast it acts, on an in-process
// agent with its control port over mutual TLS (certificates from scripts/make-dev-certs.sh).
//   (a) UpdateLimits → enforced: time from the RPC returning to the first data-plane check that
//       reflects the new limit, alternating a per-IP limit between off and "1 request, then
//       nothing" (rate 0.001/s, burst 1), so the second check after turning it on is denied.
//   (b) Watch at 100 ms: closed-loop unary Check throughput with 0 and with 10 open Watch
//       streams, interleaved over rounds; the ratio is the cost.
//   (c) The heavy-hitters sketch's memory.
// Prints one JSON line on stdout; progress goes to stderr.
#include <grpcpp/grpcpp.h>
#include <stdlib.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "common/Log.h"
#include "config/AgentConfig.h"
#include "control/HeavyHitters.h"
#include "jwt/SigningKey.h"
#include "rampart/v1/auth.grpc.pb.h"
#include "rampart/v1/control.grpc.pb.h"
#include "rpc/client/ControlChannel.h"
#include "server/Agent.h"

namespace {

using Clock = std::chrono::steady_clock;
using rampart::v1::Auth;
using rampart::v1::Control;

double micros(Clock::duration d) { return std::chrono::duration<double, std::micro>(d).count(); }

double percentile(std::vector<double> values, double p) {
    if (values.empty()) return 0;
    const size_t index = std::min(values.size() - 1, static_cast<size_t>(p * values.size()));
    std::nth_element(values.begin(), values.begin() + index, values.end());
    return values[index];
}

double median(std::vector<double> values) { return percentile(std::move(values), 0.5); }

struct Options {
    int updates = 200;
    double seconds = 5;
    int rounds = 3;
    int concurrency = 32;
    int watchers = 10;
};

// A scratch directory with keys, certificates and the agent's config, removed at exit.
struct Workspace {
    std::filesystem::path dir;
    std::string token;

    Workspace() {
        std::string pattern =
            (std::filesystem::temp_directory_path() / "rampart-bench-control-XXXXXX").string();
        if (!mkdtemp(pattern.data())) throw std::runtime_error("mkdtemp failed");
        dir = pattern;
    }
    ~Workspace() {
        std::error_code ignored;
        std::filesystem::remove_all(dir, ignored);
    }

    std::string certs(const std::string& name) const { return (dir / "certs" / name).string(); }
};

bool prepare(Workspace& ws) {
    auto key = rampart::jwt::SigningKey::generate(rampart::jwt::Algorithm::ES256, "bench");
    if (!key.ok()) return false;
    std::ofstream(ws.dir / "jwks.json") << rampart::jwt::jwksOf({key->publicJwk()});
    const auto exp = std::chrono::duration_cast<std::chrono::seconds>(
                         std::chrono::system_clock::now().time_since_epoch())
                         .count() +
                     86'400;
    ws.token = key->mint("{\"sub\":\"bench\",\"exp\":" + std::to_string(exp) + "}");
    const std::string script = "'" RAMPART_SOURCE_DIR "/scripts/make-dev-certs.sh' '" +
                               (ws.dir / "certs").string() + "' >/dev/null 2>&1";
    return std::system(script.c_str()) == 0;
}

constexpr const char* kConfig = R"(
node_id: bench
listen: {grpc: "127.0.0.1:0"}
server: {shutdown_grace: 2s}
jwt: {keys: {file: jwks.json}}
control:
  listen: 127.0.0.1:0
  cert_file: certs/node.crt
  key_file: certs/node.key
  client_ca_file: certs/ca.crt
  operators: [operator]
  state_dir: state
  call_rate: {rate: 100000, burst: 100000}
log: {level: warn}
)";

grpc::Status unary(const std::function<grpc::Status(grpc::ClientContext&)>& call) {
    grpc::ClientContext context;
    context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(5));
    return call(context);
}

rampart::v1::Verdict check(Auth::Stub& auth, const std::string& token, const std::string& ip) {
    rampart::v1::CheckRequest request;
    request.set_token(token);
    request.set_client_ip(ip);
    rampart::v1::CheckResponse response;
    const auto status =
        unary([&](grpc::ClientContext& c) { return auth.Check(&c, request, &response); });
    return status.ok() ? response.verdict() : rampart::v1::VERDICT_UNSPECIFIED;
}

struct EnforcementResult {
    std::vector<double> enforcedUs;  // limit turned on: until the check that is denied
    std::vector<double> liftedUs;    // limit turned off: until the check that passes
    std::vector<double> updateRpcUs;
    std::vector<double> checkRttUs;
    int worstEnforcedAt = 0;  // which check after the update first reflected it (2 is ideal)
    int worstLiftedAt = 0;    // (1 is ideal)
    int failures = 0;
};

// (a) Each pair of updates turns a per-IP limit on, then off again. A fresh client address per
// pair: its first check uses the burst of 1, so the second is the first that can be denied.
EnforcementResult measureEnforcement(Control::Stub& control, Auth::Stub& auth,
                                     const std::string& token, int updates) {
    EnforcementResult r;
    rampart::v1::Limits current;
    if (!unary([&](grpc::ClientContext& c) {
             return control.GetLimits(&c, rampart::v1::GetLimitsRequest(), &current);
         }).ok()) {
        r.failures = updates;
        return r;
    }
    for (int i = 0; i < updates; ++i) {
        const bool on = i % 2 == 0;
        const std::string ip =
            "10.77." + std::to_string((i / 2) / 250) + "." + std::to_string((i / 2) % 250 + 1);
        rampart::v1::UpdateLimitsRequest request;
        *request.mutable_limits() = current;
        request.mutable_limits()->mutable_per_ip()->set_rate(on ? 0.001 : 0);
        request.mutable_limits()->mutable_per_ip()->set_burst(1);
        request.set_expected_revision(current.revision());
        const auto sent = Clock::now();
        const auto status = unary(
            [&](grpc::ClientContext& c) { return control.UpdateLimits(&c, request, &current); });
        const auto returned = Clock::now();
        if (!status.ok()) {
            ++r.failures;
            continue;
        }
        r.updateRpcUs.push_back(micros(returned - sent));
        const auto wanted = on ? rampart::v1::RATE_LIMITED_IP : rampart::v1::ALLOW;
        int attempt = 0;
        bool seen = false;
        while (!seen && attempt < 1000) {
            ++attempt;
            const auto before = Clock::now();
            const auto verdict = check(auth, token, ip);
            r.checkRttUs.push_back(micros(Clock::now() - before));
            seen = verdict == wanted;
        }
        if (!seen) {
            ++r.failures;
            continue;
        }
        const double us = micros(Clock::now() - returned);
        (on ? r.enforcedUs : r.liftedUs).push_back(us);
        int& worst = on ? r.worstEnforcedAt : r.worstLiftedAt;
        worst = std::max(worst, attempt);
    }
    return r;
}

// One outstanding unary Check, re-issued from its own completion until the run ends.
struct Slot {
    Auth::Stub* stub = nullptr;
    std::optional<grpc::ClientContext> context;
    rampart::v1::CheckRequest request;
    rampart::v1::CheckResponse response;
};

double closedLoopRate(const std::vector<std::unique_ptr<Auth::Stub>>& stubs,
                      const std::string& token, int concurrency, double seconds) {
    std::atomic<uint64_t> completed{0};
    std::atomic<uint64_t> errors{0};
    std::atomic<int> live{concurrency};
    const auto start = Clock::now();
    const auto end =
        start + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(seconds));
    std::vector<std::unique_ptr<Slot>> slots;
    std::function<void(Slot*)> issue = [&](Slot* slot) {
        slot->context.emplace();
        slot->context->set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(5));
        slot->stub->async()->Check(&*slot->context, &slot->request, &slot->response,
                                   [&, slot](grpc::Status status) {
                                       if (status.ok()) {
                                           ++completed;
                                       } else {
                                           ++errors;
                                       }
                                       if (Clock::now() < end) {
                                           issue(slot);
                                       } else {
                                           --live;
                                       }
                                   });
    };
    for (int i = 0; i < concurrency; ++i) {
        auto slot = std::make_unique<Slot>();
        slot->stub = stubs[static_cast<size_t>(i) % stubs.size()].get();
        slot->request.set_token(token);
        slot->request.set_client_ip("127.0.0.1");
        slots.push_back(std::move(slot));
    }
    for (auto& slot : slots) issue(slot.get());
    while (live > 0) std::this_thread::sleep_for(std::chrono::milliseconds(5));
    const double elapsed = std::chrono::duration<double>(Clock::now() - start).count();
    if (errors > 0) std::cerr << "  " << errors << " checks failed\n";
    return static_cast<double>(completed) / elapsed;
}

// One Watch stream at 100 ms, read with the callback API: a blocking reader per stream would
// add ten polling threads to this process and measure gRPC's client, not the agent.
class WatchReader final : public grpc::ClientReadReactor<rampart::v1::Snapshot> {
public:
    WatchReader(Control::Stub& control, std::atomic<uint64_t>& snapshots) : snapshots_(snapshots) {
        request_.set_interval_ms(100);
        control.async()->Watch(&context_, &request_, this);
        StartRead(&snapshot_);
        StartCall();
    }
    void OnReadDone(bool ok) override {
        if (!ok) return;
        ++snapshots_;
        StartRead(&snapshot_);
    }
    void OnDone(const grpc::Status&) override {
        std::lock_guard lock(mutex_);
        done_ = true;
        cv_.notify_all();
    }
    void stop() {
        context_.TryCancel();
        std::unique_lock lock(mutex_);
        cv_.wait(lock, [this] { return done_; });
    }

private:
    grpc::ClientContext context_;
    rampart::v1::WatchRequest request_;
    rampart::v1::Snapshot snapshot_;
    std::atomic<uint64_t>& snapshots_;
    std::mutex mutex_;
    std::condition_variable cv_;
    bool done_ = false;
};

class Watchers {
public:
    Watchers(Control::Stub& control, int count) {
        for (int i = 0; i < count; ++i) {
            readers_.push_back(std::make_unique<WatchReader>(control, snapshots_));
        }
    }
    ~Watchers() {
        for (auto& reader : readers_) reader->stop();
    }
    uint64_t snapshots() const { return snapshots_; }

private:
    std::atomic<uint64_t> snapshots_{0};
    std::vector<std::unique_ptr<WatchReader>> readers_;
};

}  // namespace

int main(int argc, char** argv) {
    CLI::App app{"rampart-bench-control: control-plane latency and Watch cost"};
    Options o;
    app.add_option("--updates", o.updates, "UpdateLimits calls for (a)")
        ->check(CLI::Range(2, 100'000));
    app.add_option("--seconds", o.seconds, "Seconds per throughput run in (b)")
        ->check(CLI::Range(0.5, 600.0));
    app.add_option("--rounds", o.rounds, "Interleaved rounds in (b)")->check(CLI::Range(1, 100));
    app.add_option("--concurrency", o.concurrency, "Checks in flight in (b)")
        ->check(CLI::Range(1, 1024));
    app.add_option("--watchers", o.watchers, "Watch streams in (b)")->check(CLI::Range(1, 200));
    CLI11_PARSE(app, argc, argv);

    rampart::setupLogging("warn", "text");
    Workspace ws;
    if (!prepare(ws)) {
        std::cerr << "cannot make keys or certificates in " << ws.dir << "\n";
        return 1;
    }
    auto config = rampart::config::parseConfig(kConfig, ws.dir.string());
    if (!config.ok()) {
        std::cerr << "config: " << config.status().message() << "\n";
        return 1;
    }
    rampart::server::Agent agent(std::move(*config));
    if (auto started = agent.start(); !started.ok()) {
        std::cerr << "agent: " << started.message() << "\n";
        return 1;
    }
    const std::string dataAddress = "127.0.0.1:" + std::to_string(agent.grpcPort());
    auto channel = rampart::rpc::makeControlChannel(
        "127.0.0.1:" + std::to_string(agent.controlPort()),
        {ws.certs("ca.crt"), ws.certs("operator.crt"), ws.certs("operator.key")});
    if (!channel.ok()) {
        std::cerr << "control channel: " << channel.status().message() << "\n";
        return 1;
    }
    auto control = Control::NewStub(*channel);
    auto auth = Auth::NewStub(grpc::CreateChannel(dataAddress, grpc::InsecureChannelCredentials()));

    std::cerr << "== (a) UpdateLimits to enforcement, " << o.updates << " updates\n";
    const auto a = measureEnforcement(*control, *auth, ws.token, o.updates);

    std::cerr << "== (b) Check throughput with 0 and " << o.watchers << " Watch(100 ms) streams\n";
    std::vector<std::unique_ptr<Auth::Stub>> stubs;
    for (int i = 0; i < 4; ++i) {
        grpc::ChannelArguments args;
        args.SetInt("grpc.channel_id", i);  // distinct connections
        stubs.push_back(Auth::NewStub(
            grpc::CreateCustomChannel(dataAddress, grpc::InsecureChannelCredentials(), args)));
    }
    closedLoopRate(stubs, ws.token, o.concurrency, 1);  // warm-up: connections, token cache
    std::vector<double> without, with, ratios;
    uint64_t snapshots = 0;
    const auto withWatchers = [&] {
        Watchers watchers(*control, o.watchers);
        const double rate = closedLoopRate(stubs, ws.token, o.concurrency, o.seconds);
        snapshots += watchers.snapshots();
        return rate;
    };
    for (int round = 0; round < o.rounds; ++round) {
        // Alternating which goes first, so a drift in the machine's load favours neither.
        double base = 0, watched = 0;
        if (round % 2 == 0) {
            base = closedLoopRate(stubs, ws.token, o.concurrency, o.seconds);
            watched = withWatchers();
        } else {
            watched = withWatchers();
            base = closedLoopRate(stubs, ws.token, o.concurrency, o.seconds);
        }
        std::cerr << "  round " << round + 1 << ": " << static_cast<int>(base) << "/s without, "
                  << static_cast<int>(watched) << "/s with\n";
        without.push_back(base);
        with.push_back(watched);
        ratios.push_back(watched / base);
    }
    const double ratio = median(ratios);

    nlohmann::json out = {
        {"bench", "control"},
        {"updates", o.updates},
        {"update_failures", a.failures},
        {"update_rpc_us_p50", median(a.updateRpcUs)},
        {"update_rpc_us_p99", percentile(a.updateRpcUs, 0.99)},
        {"check_rtt_us_p50", median(a.checkRttUs)},
        {"enforce_us_p50", median(a.enforcedUs)},
        {"enforce_us_p99", percentile(a.enforcedUs, 0.99)},
        {"enforce_check_max", a.worstEnforcedAt},
        {"lift_us_p50", median(a.liftedUs)},
        {"lift_us_p99", percentile(a.liftedUs, 0.99)},
        {"lift_check_max", a.worstLiftedAt},
        {"watch_streams", o.watchers},
        {"watch_concurrency", o.concurrency},
        {"watch_seconds", o.seconds},
        {"watch_rounds", o.rounds},
        {"checks_per_s_no_watch", median(without)},
        {"checks_per_s_with_watch", median(with)},
        {"watch_throughput_ratio", ratio},
        {"watch_cost_percent", (1 - ratio) * 100},
        {"watch_snapshots", snapshots},
        {"heavy_hitters_bytes", rampart::control::HeavyHitters::memoryBytes()},
        // The engine keeps two: denied client IPs and denied subjects.
        {"heavy_hitters_engine_bytes", 2 * rampart::control::HeavyHitters::memoryBytes()},
    };
    std::cout << out.dump() << std::endl;
    agent.shutdown();
    return a.failures == 0 ? 0 : 1;
}
