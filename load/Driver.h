#pragma once

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "load/Recorder.h"
#include "load/TrafficMix.h"

namespace rampart::load {

using SteadyTime = std::chrono::steady_clock::time_point;

// Sends checks to agents over one transport. send() never blocks: the scheduler must keep its
// timetable, and a request's latency runs from when it was due, not from when it got out.
class Driver {
public:
    virtual ~Driver() = default;
    virtual void send(const Draw& draw, SteadyTime due) = 0;
    virtual size_t inFlight() const = 0;
    // Waits for answers still outstanding, until the deadline.
    virtual void finish(SteadyTime deadline) = 0;
};

std::unique_ptr<Driver> makeGrpcUnaryDriver(const std::vector<std::string>& targets,
                                            Recorder& recorder);
std::unique_ptr<Driver> makeGrpcStreamDriver(const std::vector<std::string>& targets,
                                             int streamsPerTarget, Recorder& recorder);
std::unique_ptr<Driver> makeHttpDriver(const std::vector<std::string>& targets,
                                       int connectionsPerTarget, Recorder& recorder);

double microsecondsSince(SteadyTime due);

}  // namespace rampart::load
