#include "models/ConsoleSettings.h"

#include <algorithm>

namespace rampart::console {

namespace {

const QString kNodes = QStringLiteral("fleet/nodes");
const QString kName = QStringLiteral("name");
const QString kAddress = QStringLiteral("address");
const QString kCaFile = QStringLiteral("caFile");
const QString kCertFile = QStringLiteral("certFile");
const QString kKeyFile = QStringLiteral("keyFile");
const QString kLastFleetFile = QStringLiteral("fleet/lastFile");
const QString kFailurePercent = QStringLiteral("alerts/failurePercent");
const QString kP99Ms = QStringLiteral("alerts/p99Ms");
const QString kCpuPercent = QStringLiteral("alerts/cpuPercent");
const QString kChartWindow = QStringLiteral("charts/windowMinutes");
const QString kWarRoom = QStringLiteral("view/warRoomMode");

}  // namespace

ConsoleSettings::ConsoleSettings(QSettings* settings) : m_settings(settings) {}

ConsoleSettings::ConsoleSettings(const QString& iniPath)
    : m_owned(std::make_unique<QSettings>(iniPath, QSettings::IniFormat)),
      m_settings(m_owned.get()) {}

ConsoleSettings::~ConsoleSettings() = default;

QList<ConsoleSettings::NodeEntry> ConsoleSettings::nodes() const {
    QList<NodeEntry> nodes;
    const int count = m_settings->beginReadArray(kNodes);
    for (int i = 0; i < count; ++i) {
        m_settings->setArrayIndex(i);
        nodes.append(NodeEntry{
            m_settings->value(kName).toString(), m_settings->value(kAddress).toString(),
            m_settings->value(kCaFile).toString(), m_settings->value(kCertFile).toString(),
            m_settings->value(kKeyFile).toString()});
    }
    m_settings->endArray();
    return nodes;
}

void ConsoleSettings::setNodes(const QList<NodeEntry>& nodes) {
    // A shorter list must not leave the old tail behind.
    m_settings->remove(kNodes);
    m_settings->beginWriteArray(kNodes, int(nodes.size()));
    for (int i = 0; i < nodes.size(); ++i) {
        m_settings->setArrayIndex(i);
        m_settings->setValue(kName, nodes[i].name);
        m_settings->setValue(kAddress, nodes[i].address);
        m_settings->setValue(kCaFile, nodes[i].caFile);
        m_settings->setValue(kCertFile, nodes[i].certFile);
        m_settings->setValue(kKeyFile, nodes[i].keyFile);
    }
    m_settings->endArray();
}

AlertRules::Thresholds ConsoleSettings::thresholds() const {
    const AlertRules::Thresholds defaults;
    const auto read = [this](const QString& key, double fallback) {
        bool ok = false;
        const double value = m_settings->value(key, fallback).toDouble(&ok);
        return ok ? value : fallback;
    };
    return AlertRules::Thresholds{read(kFailurePercent, defaults.failurePercent),
                                  read(kP99Ms, defaults.p99Ms),
                                  read(kCpuPercent, defaults.cpuPercent)};
}

void ConsoleSettings::setThresholds(const AlertRules::Thresholds& thresholds) {
    m_settings->setValue(kFailurePercent, thresholds.failurePercent);
    m_settings->setValue(kP99Ms, thresholds.p99Ms);
    m_settings->setValue(kCpuPercent, thresholds.cpuPercent);
}

int ConsoleSettings::chartWindowMinutes() const {
    bool ok = false;
    const int minutes = m_settings->value(kChartWindow, kDefaultChartWindowMinutes).toInt(&ok);
    if (!ok) return kDefaultChartWindowMinutes;
    return std::clamp(minutes, kMinChartWindowMinutes, kMaxChartWindowMinutes);
}

void ConsoleSettings::setChartWindowMinutes(int minutes) {
    m_settings->setValue(kChartWindow,
                         std::clamp(minutes, kMinChartWindowMinutes, kMaxChartWindowMinutes));
}

bool ConsoleSettings::warRoomMode() const { return m_settings->value(kWarRoom, false).toBool(); }

void ConsoleSettings::setWarRoomMode(bool on) { m_settings->setValue(kWarRoom, on); }

QString ConsoleSettings::lastFleetFile() const {
    return m_settings->value(kLastFleetFile).toString();
}

void ConsoleSettings::setLastFleetFile(const QString& path) {
    m_settings->setValue(kLastFleetFile, path);
}

void ConsoleSettings::sync() { m_settings->sync(); }

QSettings::Status ConsoleSettings::status() const { return m_settings->status(); }

}  // namespace rampart::console
