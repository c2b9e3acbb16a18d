#include "metrics/ProcessStats.h"

#include <dirent.h>
#include <sys/resource.h>
#include <unistd.h>

#include <fstream>

namespace rampart::metrics {

ProcessStats readProcessStats() {
    ProcessStats stats;
    rusage usage{};
    if (getrusage(RUSAGE_SELF, &usage) == 0) {
        stats.cpuSeconds = usage.ru_utime.tv_sec + usage.ru_utime.tv_usec / 1e6 +
                           usage.ru_stime.tv_sec + usage.ru_stime.tv_usec / 1e6;
    }
    std::ifstream statm("/proc/self/statm");
    uint64_t size = 0, resident = 0;
    if (statm >> size >> resident) {
        stats.rssBytes = resident * static_cast<uint64_t>(sysconf(_SC_PAGESIZE));
    }
    if (DIR* dir = opendir("/proc/self/fd")) {
        while (readdir(dir)) ++stats.openFds;
        closedir(dir);
        stats.openFds = stats.openFds > 2 ? stats.openFds - 3 : 0;  // ".", ".." and this DIR
    }
    return stats;
}

}  // namespace rampart::metrics
