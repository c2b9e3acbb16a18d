// rampart-load: replays a launch spike (or a constant or ramped load) against agents.
#include <CLI/CLI.hpp>

#include <chrono>
#include <cmath>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "jwt/SigningKey.h"
#include "load/Driver.h"
#include "load/Runner.h"

namespace {

using namespace rampart;

std::string readFile(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw CLI::ValidationError("cannot read " + path);
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

load::MixWeights parseMix(const std::string& text) {
    load::MixWeights mix{0, 0, 0, 0};
    std::stringstream items(text);
    std::string item;
    while (std::getline(items, item, ',')) {
        const size_t eq = item.find('=');
        if (eq == std::string::npos) throw CLI::ValidationError("--mix", "expected kind=weight");
        const std::string kind = item.substr(0, eq);
        double weight = 0;
        try {
            weight = std::stod(item.substr(eq + 1));
        } catch (...) {
            throw CLI::ValidationError("--mix", "bad weight in " + item);
        }
        if (kind == "valid") mix.valid = weight;
        else if (kind == "expired") mix.expired = weight;
        else if (kind == "forged") mix.forged = weight;
        else if (kind == "garbage") mix.garbage = weight;
        else throw CLI::ValidationError("--mix", "unknown kind " + kind);
    }
    return mix;
}

double tenth(double value) { return std::round(value * 10) / 10; }

nlohmann::json summaryJson(const load::RunResult& r, const std::string& transport,
                           const load::Profile& profile) {
    nlohmann::json verdicts = nlohmann::json::object();
    for (int v = 1; v < load::Recorder::kVerdicts; ++v) {
        verdicts[load::verdictLabel(v)] = r.summary.verdicts[v];
    }
    return {
        {"transport", transport},
        {"profile", profile.describe()},
        {"seconds", r.seconds},
        {"offered", r.offered},
        {"sent", r.sent},
        {"answered", r.summary.completed - r.summary.errors},
        {"rate", r.seconds > 0 ? (r.summary.completed - r.summary.errors) / r.seconds : 0},
        {"errors", r.summary.errors},
        {"dropped", r.summary.dropped},
        {"verdicts", verdicts},
        {"latency_us",
         {{"p50", tenth(r.summary.p50)},
          {"p90", tenth(r.summary.p90)},
          {"p99", tenth(r.summary.p99)},
          {"p99.9", tenth(r.summary.p999)},
          {"max", tenth(r.summary.max)}}},
    };
}

}  // namespace

int main(int argc, char** argv) {
    CLI::App app{"rampart-load: open-loop load against rampart agents"};
    std::vector<std::string> targets;
    std::string transport = "grpc", profileName = "spike", keyPath, alg = "ES256", kid = "dev-1";
    std::string mixText = "valid=94,expired=2,forged=2,garbage=2", summaryPath;
    double rate = 1000, seconds = 10, from = 100, to = 5000;
    double baseline = 500, peak = 5000, lead = 3, rampUp = 3, hold = 10, decay = 5;
    load::Population population;
    load::RunOptions options;
    int connections = 8, streams = 2;
    bool quiet = false;

    app.add_option("-t,--target", targets, "Agent address host:port (repeat for a fleet)")
        ->required();
    app.add_option("--transport", transport, "grpc (unary), stream (gRPC CheckStream) or http (/auth)")
        ->check(CLI::IsMember({"grpc", "stream", "http"}));
    app.add_option("--profile", profileName, "constant, ramp or spike")
        ->check(CLI::IsMember({"constant", "ramp", "spike"}));
    app.add_option("--rate", rate, "constant: requests per second")->check(CLI::Range(0.1, 1e7));
    app.add_option("--seconds", seconds, "constant, ramp: duration")->check(CLI::Range(0.1, 3600.0));
    app.add_option("--from", from, "ramp: starting rate")->check(CLI::Range(0.0, 1e7));
    app.add_option("--to", to, "ramp: final rate")->check(CLI::Range(0.0, 1e7));
    app.add_option("--baseline", baseline, "spike: rate before and after")->check(CLI::Range(0.0, 1e7));
    app.add_option("--peak", peak, "spike: rate at the peak")->check(CLI::Range(0.1, 1e7));
    app.add_option("--lead", lead, "spike: seconds at baseline first")->check(CLI::Range(0.0, 600.0));
    app.add_option("--ramp-up", rampUp, "spike: seconds to reach the peak")->check(CLI::Range(0.0, 600.0));
    app.add_option("--hold", hold, "spike: seconds at the peak")->check(CLI::Range(0.0, 3600.0));
    app.add_option("--decay", decay, "spike: seconds back to baseline")->check(CLI::Range(0.0, 600.0));
    app.add_option("--private-key", keyPath, "PEM key that signs the valid tokens")->required();
    app.add_option("--alg", alg, "its algorithm");
    app.add_option("--kid", kid, "its key id");
    app.add_option("--mix", mixText, "token mix, e.g. valid=90,expired=4,forged=3,garbage=3");
    app.add_option("--users", population.users, "distinct users (valid tokens; at most 20000 minted)")
        ->check(CLI::Range(1, 10'000'000));
    app.add_option("--user-skew", population.userSkew, "Zipf exponent over users")->check(CLI::Range(0.0, 5.0));
    app.add_option("--ips", population.clientIps, "distinct client IPs (at most 1000000)")
        ->check(CLI::Range(1, 10'000'000));
    app.add_option("--ip-skew", population.ipSkew, "Zipf exponent over client IPs")->check(CLI::Range(0.0, 5.0));
    app.add_option("--max-requests", options.maxRequests, "stop after this many")->check(CLI::Range(1, 1'000'000'000));
    app.add_option("--max-in-flight", options.maxInFlight, "beyond this, due requests are dropped")
        ->check(CLI::Range(1, 1'000'000));
    app.add_option("--connections", connections, "http: connections per agent")->check(CLI::Range(1, 1024));
    app.add_option("--streams", streams, "stream: streams per agent")->check(CLI::Range(1, 256));
    app.add_option("--seed", options.seed, "random seed for the traffic mix");
    app.add_option("--summary", summaryPath, "also write the JSON summary to this file");
    app.add_flag("-q,--quiet", quiet, "no progress line");
    CLI11_PARSE(app, argc, argv);

    const auto algorithm = jwt::parseAlgorithm(alg);
    if (!algorithm) {
        std::cerr << "unknown --alg " << alg << "\n";
        return 2;
    }
    auto key = jwt::SigningKey::fromPem(*algorithm, kid, readFile(keyPath));
    if (!key.ok()) {
        std::cerr << "cannot read --private-key: " << key.status().message() << "\n";
        return 2;
    }
    if (profileName == "constant") {
        options.profile = load::Profile::constant(rate, seconds);
    } else if (profileName == "ramp") {
        options.profile = load::Profile::ramp(from, to, seconds);
    } else {
        options.profile = load::Profile::spike(baseline, peak, lead, rampUp, hold, decay);
    }
    if (options.profile.durationSeconds() > 3600) {
        std::cerr << "the profile lasts more than an hour; shorten it\n";
        return 2;
    }
    options.progress = !quiet;

    const auto now = std::chrono::duration_cast<std::chrono::seconds>(
                         std::chrono::system_clock::now().time_since_epoch())
                         .count();
    auto mix = load::TrafficMix::make(*key, parseMix(mixText), population, now);
    if (!mix.ok()) {
        std::cerr << mix.status().message() << "\n";
        return 2;
    }
    load::Recorder recorder;
    std::unique_ptr<load::Driver> driver;
    if (transport == "grpc") driver = load::makeGrpcUnaryDriver(targets, recorder);
    else if (transport == "stream") driver = load::makeGrpcStreamDriver(targets, streams, recorder);
    else driver = load::makeHttpDriver(targets, connections, recorder);

    std::cerr << "rampart-load: " << transport << " to " << targets.size() << " agent(s), "
              << options.profile.describe() << "\n";
    const auto result = load::run(options, *mix, *driver, recorder, std::cerr);
    driver.reset();
    const auto json = summaryJson(result, transport, options.profile);
    std::cout << json.dump() << std::endl;
    if (!summaryPath.empty()) std::ofstream(summaryPath) << json.dump(2) << "\n";
    // Non-zero when nothing got through at all: the run measured nothing.
    return result.summary.completed > result.summary.errors ? 0 : 1;
}
