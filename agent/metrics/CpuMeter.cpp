#include "metrics/CpuMeter.h"

#include <fstream>
#include <string>

#include "metrics/ProcessStats.h"

namespace rampart::metrics {
namespace {

void readHost(uint64_t& busy, uint64_t& total) {
    std::ifstream stat("/proc/stat");
    std::string cpu;
    uint64_t user = 0, nice = 0, system = 0, idle = 0, iowait = 0, irq = 0, softirq = 0, steal = 0;
    if (!(stat >> cpu >> user >> nice >> system >> idle >> iowait >> irq >> softirq >> steal)) return;
    busy = user + nice + system + irq + softirq + steal;
    total = busy + idle + iowait;
}

}  // namespace

CpuMeter::CpuMeter() : processSeconds_(readProcessStats().cpuSeconds), at_(std::chrono::steady_clock::now()) {
    readHost(hostBusy_, hostTotal_);
}

CpuMeter::Sample CpuMeter::sample() {
    Sample s;
    const auto now = std::chrono::steady_clock::now();
    const double wall = std::chrono::duration<double>(now - at_).count();
    const double process = readProcessStats().cpuSeconds;
    uint64_t busy = 0, total = 0;
    readHost(busy, total);
    if (wall > 0) s.processPercent = 100.0 * (process - processSeconds_) / wall;
    if (total > hostTotal_) {
        s.hostPercent = 100.0 * static_cast<double>(busy - hostBusy_) / static_cast<double>(total - hostTotal_);
    }
    processSeconds_ = process;
    hostBusy_ = busy;
    hostTotal_ = total;
    at_ = now;
    return s;
}

}  // namespace rampart::metrics
