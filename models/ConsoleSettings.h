#pragma once

#include <QList>
#include <QSettings>
#include <QString>
#include <memory>

#include "models/AlertRules.h"

namespace rampart::console {

// The console's saved settings, typed, over one QSettings. Tests (and a fleet kept apart from the
// user's) point it at an INI file of their own; the console passes its application QSettings.
class ConsoleSettings {
public:
    struct NodeEntry {
        QString name;
        QString address;  // host:port of the node's control endpoint
        QString caFile;
        QString certFile;
        QString keyFile;
        bool operator==(const NodeEntry&) const = default;
    };

    static constexpr int kMinChartWindowMinutes = 1;
    static constexpr int kMaxChartWindowMinutes = 60;
    static constexpr int kDefaultChartWindowMinutes = 5;

    // Uses `settings`, which must outlive this object.
    explicit ConsoleSettings(QSettings* settings);
    // Owns an INI-format QSettings at `iniPath`.
    explicit ConsoleSettings(const QString& iniPath);
    ~ConsoleSettings();
    ConsoleSettings(const ConsoleSettings&) = delete;
    ConsoleSettings& operator=(const ConsoleSettings&) = delete;

    QList<NodeEntry> nodes() const;
    void setNodes(const QList<NodeEntry>& nodes);

    AlertRules::Thresholds thresholds() const;
    void setThresholds(const AlertRules::Thresholds& thresholds);

    // Clamped to [1, 60]; 5 when never set.
    int chartWindowMinutes() const;
    void setChartWindowMinutes(int minutes);

    bool warRoomMode() const;
    void setWarRoomMode(bool on);

    QString lastFleetFile() const;
    void setLastFleetFile(const QString& path);

    // Writes pending changes to storage now (QSettings otherwise writes later, and on destruction).
    void sync();
    QSettings::Status status() const;

private:
    std::unique_ptr<QSettings> m_owned;
    QSettings* m_settings;
};

}  // namespace rampart::console
