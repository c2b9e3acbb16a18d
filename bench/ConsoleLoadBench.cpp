// rampart-bench-console: the console's CPU and memory under a fleet's snapshot stream, replayed
// through the same path live snapshots take (FleetController::ingest → models → widgets, charts
// redrawn by their own timers), with the main window shown on the offscreen platform. The ring
// buffers are filled first (an hour of history), so the measured run is the steady state.
#include <sys/resource.h>

#include <QApplication>
#include <QCommandLineParser>
#include <QDir>
#include <QElapsedTimer>
#include <QDateTime>
#include <QTimer>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <random>

#include "FleetController.h"
#include "models/ConsoleSettings.h"
#include "ui/MainWindow.h"

namespace {

using namespace rampart;
using namespace rampart::console;

double cpuSeconds() {
    rusage u{};
    getrusage(RUSAGE_SELF, &u);
    return u.ru_utime.tv_sec + u.ru_utime.tv_usec / 1e6 + u.ru_stime.tv_sec + u.ru_stime.tv_usec / 1e6;
}

double rssMb() {
    std::ifstream statm("/proc/self/statm");
    long size = 0, resident = 0;
    statm >> size >> resident;
    return resident * 4096.0 / 1e6;
}

// A plausible snapshot: a daily-ish wave, noise, and a few nodes worse than the rest.
fleet::Snapshot synthetic(int node, qint64 timeMs, uint32_t intervalMs, std::mt19937& rng) {
    std::normal_distribution<double> noise(1.0, 0.05);
    const double base = (800 + 400 * std::sin(timeMs / 60000.0)) * noise(rng) * (1 + node % 7 * 0.1);
    const double scale = intervalMs / 1000.0;
    fleet::Snapshot s;
    s.timeUnixMs = timeMs;
    s.intervalMs = intervalMs;
    s.interval.allow = static_cast<uint64_t>(base * 0.93 * scale);
    s.interval.invalidToken = static_cast<uint64_t>(base * 0.03 * scale);
    s.interval.rateLimitedIp = static_cast<uint64_t>(base * (node % 10 == 0 ? 0.1 : 0.02) * scale);
    s.interval.expired = static_cast<uint64_t>(base * 0.02 * scale);
    s.p50Us = 40 * noise(rng);
    s.p95Us = 120 * noise(rng);
    s.p99Us = (node % 10 == 0 ? 900 : 300) * noise(rng);
    s.processCpuPercent = 20 + node % 5 * 10 * noise(rng);
    s.rssBytes = static_cast<uint64_t>(60e6 + node * 1e6);
    s.limitsRevision = 3;
    s.topClientIps = {{"10.0." + std::to_string(node) + ".1", 120}, {"10.0.9.9", 40}};
    s.topSubjects = {{"user-" + std::to_string(node), 30}};
    s.scaleCurrent = 1;
    s.scaleRecommended = 1;
    return s;
}

}  // namespace

int main(int argc, char** argv) {
    qputenv("QT_QPA_PLATFORM", "offscreen");
    QApplication app(argc, argv);
    QCommandLineParser parser;
    const QCommandLineOption nodesOption("nodes", "Nodes.", "n", "50");
    const QCommandLineOption intervalOption("interval-ms", "Snapshot interval.", "ms", "1000");
    const QCommandLineOption secondsOption("seconds", "Measured run.", "s", "60");
    parser.addOptions({nodesOption, intervalOption, secondsOption});
    parser.process(app);
    const int nodes = std::clamp(parser.value(nodesOption).toInt(), 1, 500);
    const uint32_t interval = std::clamp(parser.value(intervalOption).toUInt(), 100u, 10'000u);
    const int seconds = std::clamp(parser.value(secondsOption).toInt(), 5, 7200);

    ConsoleSettings settings(QDir::tempPath() + "/rampart-bench-console.ini");
    FleetModel fleet;
    TimeSeriesStore series;
    OffendersModel offenders;
    EventLogModel events;
    AlertRules alerts;
    FleetController controller({fleet, series, offenders, events, alerts}, interval);
    MainWindow window({fleet, series, events, offenders, alerts, settings}, controller);
    window.resize(1600, 1000);
    window.setWindowMinutes(60);
    window.show();

    std::mt19937 rng(7);
    QStringList names;
    for (int n = 0; n < nodes; ++n) {
        names << QString("auth-%1").arg(n + 1);
        fleet.addNode(names.back(), "replay");
        fleet.setState(names.back(), fleet::ConnectionState::Up, {});
    }
    // An hour of history first: every ring buffer is full before measuring.
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    const qint64 history = 3600LL * 1000;
    for (qint64 t = now - history; t < now; t += interval) {
        for (int n = 0; n < nodes; ++n) controller.ingest(names[n], synthetic(n, t, interval, rng));
    }
    app.processEvents();

    const double cpuStart = cpuSeconds();
    const double rssStart = rssMb();
    double rssMax = rssStart;
    QElapsedTimer clock;
    clock.start();
    QTimer feed;
    QObject::connect(&feed, &QTimer::timeout, [&] {
        const qint64 t = QDateTime::currentMSecsSinceEpoch();
        for (int n = 0; n < nodes; ++n) controller.ingest(names[n], synthetic(n, t, interval, rng));
    });
    feed.start(interval);
    QTimer sample;
    QObject::connect(&sample, &QTimer::timeout, [&] { rssMax = std::max(rssMax, rssMb()); });
    sample.start(1000);
    QTimer::singleShot(seconds * 1000, [&] {
        const double wall = clock.elapsed() / 1000.0;
        const double cpu = cpuSeconds() - cpuStart;
        const double rssEnd = rssMb();
        std::printf("{\"nodes\":%d,\"interval_ms\":%u,\"seconds\":%.1f,\"cpu_percent\":%.1f,"
                    "\"rss_start_mb\":%.1f,\"rss_end_mb\":%.1f,\"rss_max_mb\":%.1f,\"samples\":%zu}\n",
                    nodes, interval, wall, 100 * cpu / wall, rssStart, rssEnd, rssMax, series.sampleCount());
        std::fflush(stdout);
        QApplication::exit(0);
    });
    return app.exec();
}
