#include "ConsoleFixture.h"

#include <QDateTime>
#include <cmath>

namespace rampart::console::test {

ConsoleFixture::ConsoleFixture()
    : settings(dir.filePath("console.ini")),
      m_nowMs(QDateTime::currentMSecsSinceEpoch() - 60 * 60 * 1000),
      m_startMs(m_nowMs) {}

void ConsoleFixture::addNodes(int count, const QString& role) {
    for (int i = 0; i < count; ++i) {
        const QString name = nodeName(m_nodes + i);
        fleet.addNode(name, QStringLiteral("127.0.0.1:%1").arg(7400 + m_nodes + i));
        fleet.setState(name, fleet::ConnectionState::Up, {});
        setRole(name, role);
    }
    m_nodes += count;
}

void ConsoleFixture::setRole(const QString& node, const QString& role) {
    fleet::NodeInfo info;
    info.nodeId = node.toStdString();
    info.hostname = "host-" + node.toStdString();
    info.version = "0.1.0";
    info.callerIdentity = "console";
    info.callerRole = role.toStdString();
    info.scale.backend = "local";
    info.scale.current = 3;
    info.scale.desired = 3;
    info.scale.recommended = 3;
    info.scale.targetCpuPercent = 70;
    fleet.setNodeInfo(node, info);
}

fleet::Snapshot ConsoleFixture::snapshot(int node, qint64 timeMs, int intervalMs) const {
    // A launch: a steady load, then a spike that the rate limits cut back, one node hotter
    // than the rest.
    const double t = (timeMs - m_startMs) / 1000.0;
    const double spike = std::exp(-std::pow((std::fmod(t, 900) - 600) / 90, 2));
    const double wobble = 0.08 * std::sin(t / 7 + node) + 0.04 * std::sin(t / 1.3 + 2 * node);
    const double rate = (1800 + 250 * node) * (1 + wobble + 2.2 * spike);
    const double seconds = intervalMs / 1000.0;
    fleet::Snapshot s;
    s.sequence = m_sequence;
    s.timeUnixMs = timeMs;
    s.intervalMs = static_cast<uint32_t>(intervalMs);
    auto count = [&](double perSecond) { return static_cast<uint64_t>(perSecond * seconds); };
    s.interval.rateLimitedIp = count(rate * 0.18 * spike);
    s.interval.rateLimitedUser = count(rate * 0.06 * spike);
    s.interval.rateLimitedGlobal = count(rate * 0.03 * spike * spike);
    s.interval.invalidToken = count(rate * 0.012);
    s.interval.expired = count(rate * 0.02 * (1 + wobble));
    s.interval.revoked = count(rate * 0.002);
    s.interval.blocked = count(rate * 0.004);
    s.interval.allow = count(rate) - s.interval.denied();
    s.total = s.interval;
    s.p50Us = 380 + 60 * node + 300 * spike;
    s.p90Us = 900 + 900 * spike;
    s.p95Us = 1200 + 150 * node + 1500 * spike;
    s.p99Us = 2600 + 600 * node + 5200 * spike * (1 + 0.3 * node);
    s.p999Us = s.p99Us * 2;
    s.processCpuPercent = std::min(380.0, 45 + 14 * node + 160 * spike + 8 * wobble * 10);
    s.hostCpuPercent = s.processCpuPercent / 8;
    s.rssBytes = static_cast<uint64_t>((110 + 18 * node + 40 * spike) * 1e6);
    s.limitsRevision = 7;
    s.topClientIps = {{"203.0.113.7", 900 + 40ull * node}, {"198.51.100.23", 310}};
    s.topSubjects = {{"user-4711", 420}, {"svc-batch", 120 + 10ull * node}};
    s.scaleCurrent = 3;
    s.scaleRecommended = spike > 0.5 ? 5 : 3;
    s.cores = 8;
    return s;
}

void ConsoleFixture::feed(int steps, int intervalMs) {
    for (int step = 0; step < steps; ++step) {
        m_nowMs += intervalMs;
        ++m_sequence;
        for (int node = 0; node < m_nodes; ++node) {
            const auto s = snapshot(node, m_nowMs, intervalMs);
            series.append(nodeName(node), s);
            // The table and the offenders only show the latest: feeding them every step would
            // only slow the tests down.
            if (step == steps - 1) {
                fleet.applySnapshot(nodeName(node), s);
                offenders.update(nodeName(node), s);
            }
        }
    }
}

MainWindow::Models ConsoleFixture::models() {
    return {fleet, series, events, offenders, alerts, settings};
}

}  // namespace rampart::console::test
