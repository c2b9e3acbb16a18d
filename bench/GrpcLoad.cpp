// rampart-bench-grpc: drives rampart.v1.Auth over unary calls or pipelined streams and reports
// throughput and latency. Closed loop (--rate 0: keep --concurrency calls in flight, for peak
// rate) or open loop (--rate R: send on a fixed schedule and measure latency from the scheduled
// time, so a server that falls behind cannot hide its queue). Bounded by --seconds.
#include <CLI/CLI.hpp>
#include <grpcpp/grpcpp.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <iostream>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

#include "rampart/v1/auth.grpc.pb.h"

namespace {

using Clock = std::chrono::steady_clock;
using rampart::v1::CheckRequest;
using rampart::v1::CheckResponse;

struct Options {
    std::string target;
    std::string mode = "unary";
    std::string token;
    double seconds = 10;
    double warmupSeconds = 1;
    double rate = 0;
    int concurrency = 64;
    int channels = 4;
};

struct Results {
    std::mutex mutex;
    std::vector<double> latenciesUs;
    std::atomic<uint64_t> completed{0};
    std::atomic<uint64_t> errors{0};
    std::atomic<uint64_t> denied{0};

    void record(Clock::time_point from, bool ok, bool allowed) {
        const double us = std::chrono::duration<double, std::micro>(Clock::now() - from).count();
        if (!ok) ++errors;
        if (ok && !allowed) ++denied;
        ++completed;
        std::lock_guard lock(mutex);
        latenciesUs.push_back(us);
    }
};

double percentile(std::vector<double>& values, double p) {
    if (values.empty()) return 0;
    const size_t index = std::min(values.size() - 1, static_cast<size_t>(p * values.size()));
    std::nth_element(values.begin(), values.begin() + index, values.end());
    return values[index];
}

std::vector<std::unique_ptr<rampart::v1::Auth::Stub>> makeStubs(const Options& o) {
    std::vector<std::unique_ptr<rampart::v1::Auth::Stub>> stubs;
    for (int i = 0; i < o.channels; ++i) {
        grpc::ChannelArguments args;
        args.SetInt("grpc.channel_id", i);  // distinct channels, distinct connections
        stubs.push_back(rampart::v1::Auth::NewStub(
            grpc::CreateCustomChannel(o.target, grpc::InsecureChannelCredentials(), args)));
    }
    return stubs;
}

// One outstanding unary call, re-armed from its own completion while the run lasts.
struct UnarySlot {
    rampart::v1::Auth::Stub* stub;
    std::optional<grpc::ClientContext> context;
    CheckRequest request;
    CheckResponse response;
    Clock::time_point sent;
};

void runUnaryClosed(const Options& o, Results& results, Clock::time_point measureFrom,
                    Clock::time_point end) {
    auto stubs = makeStubs(o);
    std::vector<std::unique_ptr<UnarySlot>> slots;
    std::atomic<int> live{0};
    std::function<void(UnarySlot*)> issue = [&](UnarySlot* slot) {
        slot->context.emplace();
        slot->context->set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(5));
        slot->response.Clear();
        slot->sent = Clock::now();
        slot->stub->async()->Check(&*slot->context, &slot->request, &slot->response,
                                   [&, slot](grpc::Status status) {
                                       if (slot->sent >= measureFrom) {
                                           results.record(slot->sent, status.ok(),
                                                          slot->response.verdict() ==
                                                              rampart::v1::ALLOW);
                                       }
                                       if (Clock::now() < end) {
                                           issue(slot);
                                       } else {
                                           --live;
                                       }
                                   });
    };
    for (int i = 0; i < o.concurrency; ++i) {
        auto slot = std::make_unique<UnarySlot>();
        slot->stub = stubs[i % stubs.size()].get();
        slot->request.set_token(o.token);
        slot->request.set_client_ip("127.0.0.1");
        slots.push_back(std::move(slot));
    }
    live = o.concurrency;
    for (auto& slot : slots) issue(slot.get());
    while (live > 0) std::this_thread::sleep_for(std::chrono::milliseconds(5));
}

void runUnaryOpen(const Options& o, Results& results, Clock::time_point measureFrom,
                  Clock::time_point end) {
    auto stubs = makeStubs(o);
    std::atomic<int> live{0};
    const auto start = Clock::now();
    const auto interval = std::chrono::duration<double>(1.0 / o.rate);
    for (uint64_t i = 0;; ++i) {
        const auto scheduled =
            start + std::chrono::duration_cast<Clock::duration>(interval * static_cast<double>(i));
        if (scheduled >= end) break;
        std::this_thread::sleep_until(scheduled);
        if (live > 20'000) {  // the server is hopelessly behind; count it and do not pile up
            ++results.errors;
            continue;
        }
        auto* slot = new UnarySlot();
        slot->stub = stubs[i % stubs.size()].get();
        slot->request.set_token(o.token);
        slot->request.set_client_ip("127.0.0.1");
        slot->context.emplace();
        slot->context->set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(5));
        ++live;
        slot->stub->async()->Check(&*slot->context, &slot->request, &slot->response,
                                   [&, slot, scheduled](grpc::Status status) {
                                       if (scheduled >= measureFrom) {
                                           results.record(scheduled, status.ok(),
                                                          slot->response.verdict() ==
                                                              rampart::v1::ALLOW);
                                       }
                                       delete slot;
                                       --live;
                                   });
    }
    while (live > 0) std::this_thread::sleep_for(std::chrono::milliseconds(5));
}

// Streams: per stream, a writer sends (on schedule when a rate is set) and a reader matches
// answers by id to their scheduled send time.
void runStream(const Options& o, Results& results, Clock::time_point measureFrom,
               Clock::time_point end) {
    auto stubs = makeStubs(o);
    const int streams = std::max(1, o.concurrency);
    std::vector<std::thread> threads;
    for (int s = 0; s < streams; ++s) {
        threads.emplace_back([&, s] {
            grpc::ClientContext context;
            auto stream = stubs[s % stubs.size()]->CheckStream(&context);
            // Send times by id, in a ring; the writer never gets a ring ahead of the reader.
            constexpr uint64_t kRing = 1 << 18;
            std::vector<Clock::time_point> sentAt(kRing);
            const double perStreamRate = o.rate > 0 ? o.rate / streams : 0;
            std::atomic<uint64_t> answered{0};
            std::thread reader([&] {
                CheckResponse response;
                while (stream->Read(&response)) {
                    const auto when = sentAt[response.id() % kRing];
                    if (when >= measureFrom) {
                        results.record(when, true, response.verdict() == rampart::v1::ALLOW);
                    }
                    answered.fetch_add(1, std::memory_order_release);
                }
            });
            CheckRequest request;
            request.set_token(o.token);
            request.set_client_ip("127.0.0.1");
            const auto start = Clock::now();
            for (uint64_t i = 0;; ++i) {
                Clock::time_point scheduled = Clock::now();
                if (perStreamRate > 0) {
                    scheduled = start + std::chrono::duration_cast<Clock::duration>(
                                            std::chrono::duration<double>(i / perStreamRate));
                    std::this_thread::sleep_until(scheduled);
                }
                if (scheduled >= end) break;
                while (i - answered.load(std::memory_order_acquire) >= kRing - 1) {
                    std::this_thread::yield();
                }
                sentAt[i % kRing] = scheduled;
                request.set_id(i);
                if (!stream->Write(request)) {
                    ++results.errors;
                    break;
                }
            }
            stream->WritesDone();
            reader.join();
            if (!stream->Finish().ok()) ++results.errors;
        });
    }
    for (auto& t : threads) t.join();
}

}  // namespace

int main(int argc, char** argv) {
    CLI::App app{"rampart-bench-grpc: throughput and latency of rampart.v1.Auth"};
    Options o;
    app.add_option("--target", o.target, "host:port")->required();
    app.add_option("--mode", o.mode, "unary or stream")->check(CLI::IsMember({"unary", "stream"}));
    app.add_option("--token", o.token, "Token to send")->required();
    app.add_option("--seconds", o.seconds, "Measured duration")->check(CLI::Range(0.5, 600.0));
    app.add_option("--warmup", o.warmupSeconds, "Unmeasured warm-up")->check(CLI::Range(0.0, 60.0));
    app.add_option("--rate", o.rate, "Open-loop rate in calls/s (0: closed loop)");
    app.add_option("--concurrency", o.concurrency,
                   "Closed loop: calls in flight (unary) or streams (stream)")
        ->check(CLI::Range(1, 4096));
    app.add_option("--channels", o.channels, "Client connections")->check(CLI::Range(1, 64));
    CLI11_PARSE(app, argc, argv);

    Results results;
    const auto measureFrom = Clock::now() + std::chrono::duration_cast<Clock::duration>(
                                                std::chrono::duration<double>(o.warmupSeconds));
    const auto end = measureFrom + std::chrono::duration_cast<Clock::duration>(
                                       std::chrono::duration<double>(o.seconds));
    if (o.mode == "stream") {
        runStream(o, results, measureFrom, end);
    } else if (o.rate > 0) {
        runUnaryOpen(o, results, measureFrom, end);
    } else {
        runUnaryClosed(o, results, measureFrom, end);
    }

    auto& l = results.latenciesUs;
    const double rate = static_cast<double>(results.completed) / o.seconds;
    std::printf(
        "{\"mode\":\"%s\",\"target_rate\":%.0f,\"rate\":%.0f,\"completed\":%llu,\"errors\":%llu,"
        "\"denied\":%llu,\"p50_us\":%.1f,\"p90_us\":%.1f,\"p99_us\":%.1f,\"p999_us\":%.1f}\n",
        o.mode.c_str(), o.rate, rate, static_cast<unsigned long long>(results.completed.load()),
        static_cast<unsigned long long>(results.errors.load()),
        static_cast<unsigned long long>(results.denied.load()), percentile(l, 0.5),
        percentile(l, 0.9), percentile(l, 0.99), percentile(l, 0.999));
    return results.errors > 0 ? 1 : 0;
}
