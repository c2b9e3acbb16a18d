// rampart-console: the war-room console. Arguments and wiring only.
#include <QApplication>
#include <QCommandLineParser>
#include <QDir>
#include <QFileInfo>
#include <QMessageBox>
#include <QSettings>
#include <QStandardPaths>
#include <QTimer>
#include <iostream>

#include "FleetController.h"
#include "models/ConsoleSettings.h"
#include "ui/MainWindow.h"

namespace {

using namespace rampart;
using namespace rampart::console;

void addFleet(FleetController& controller, ConsoleSettings& settings, const rpc::Fleet& fleet) {
    auto saved = settings.nodes();
    for (const auto& node : fleet.nodes) {
        const QString name = QString::fromStdString(node.name);
        controller.addNode(name, QString::fromStdString(node.address), fleet.tls);
        ConsoleSettings::NodeEntry entry{name, QString::fromStdString(node.address),
                                         QString::fromStdString(fleet.tls.caFile),
                                         QString::fromStdString(fleet.tls.certFile),
                                         QString::fromStdString(fleet.tls.keyFile)};
        saved.erase(std::remove_if(saved.begin(), saved.end(),
                                   [&](const auto& e) { return e.name == name; }),
                    saved.end());
        saved.append(entry);
    }
    settings.setNodes(saved);
}

}  // namespace

int main(int argc, char** argv) {
    QApplication app(argc, argv);
    QApplication::setApplicationName("rampart-console");
    QApplication::setOrganizationName("rampart");

    QCommandLineParser parser;
    parser.setApplicationDescription("Rampart war-room console");
    parser.addHelpOption();
    const QCommandLineOption fleetOption("fleet", "Open this fleet file.", "file");
    const QCommandLineOption settingsOption("settings", "Settings file (default: the user's).", "ini");
    const QCommandLineOption intervalOption("interval-ms", "Snapshot interval (100-10000).", "ms", "1000");
    const QCommandLineOption warRoomOption("war-room", "Start in war-room mode.");
    const QCommandLineOption screenshotOption("screenshot", "Save the window as PNG, then quit.", "png");
    const QCommandLineOption afterOption("screenshot-after", "Seconds before the screenshot.", "s", "10");
    parser.addOptions({fleetOption, settingsOption, intervalOption, warRoomOption, screenshotOption, afterOption});
    parser.process(app);

    bool intervalOk = false;
    const uint32_t interval = parser.value(intervalOption).toUInt(&intervalOk);
    if (!intervalOk || interval < 100 || interval > 10'000) {
        std::cerr << "rampart-console: --interval-ms must be between 100 and 10000\n";
        return 2;
    }
    ConsoleSettings settings = parser.isSet(settingsOption)
                                   ? ConsoleSettings(parser.value(settingsOption))
                                   : ConsoleSettings(QDir(QStandardPaths::writableLocation(
                                                          QStandardPaths::AppConfigLocation))
                                                         .filePath("console.ini"));

    FleetModel fleetModel;
    TimeSeriesStore series;
    OffendersModel offenders;
    EventLogModel events;
    AlertRules alerts;
    alerts.setThresholds(settings.thresholds());
    FleetController controller({fleetModel, series, offenders, events, alerts}, interval);
    MainWindow window({fleetModel, series, events, offenders, alerts, settings}, controller);

    QObject::connect(&window, &MainWindow::addNodeRequested,
                     [&](const QString& name, const QString& address, const QString& ca,
                         const QString& cert, const QString& key) {
                         rpc::Fleet fleet;
                         fleet.tls = {ca.toStdString(), cert.toStdString(), key.toStdString()};
                         fleet.nodes.push_back({name.toStdString(), address.toStdString()});
                         addFleet(controller, settings, fleet);
                     });
    const auto openFleet = [&](const QString& path) {
        auto fleet = rpc::loadFleetFile(path.toStdString());
        if (!fleet.ok()) {
            events.add(EventLogModel::Kind::Result, "console",
                       "cannot open fleet file: " + QString::fromStdString(std::string(fleet.status().message())),
                       QDateTime::currentMSecsSinceEpoch());
            if (!parser.isSet(screenshotOption)) {
                QMessageBox::warning(&window, "Fleet file", QString::fromStdString(std::string(fleet.status().message())));
            }
            return false;
        }
        addFleet(controller, settings, *fleet);
        settings.setLastFleetFile(QFileInfo(path).absoluteFilePath());
        return true;
    };
    QObject::connect(&window, &MainWindow::openFleetFileRequested, openFleet);

    if (parser.isSet(fleetOption)) {
        if (!openFleet(parser.value(fleetOption))) return 2;
    } else {
        // Nodes from the last session.
        for (const auto& node : settings.nodes()) {
            controller.addNode(node.name, node.address,
                               {node.caFile.toStdString(), node.certFile.toStdString(), node.keyFile.toStdString()});
        }
    }

    window.resize(1600, 1000);
    if (parser.isSet(warRoomOption) || settings.warRoomMode()) window.setWarRoomMode(true);
    window.show();

    if (parser.isSet(screenshotOption)) {
        const QString path = parser.value(screenshotOption);
        const int seconds = std::clamp(parser.value(afterOption).toInt(), 1, 600);
        QTimer::singleShot(seconds * 1000, [&window, path] {
            const bool saved = window.grab().save(path);
            std::cerr << (saved ? "saved " : "cannot save ") << path.toStdString() << "\n";
            QApplication::exit(saved ? 0 : 1);
        });
    }
    const int code = app.exec();
    settings.sync();
    return code;
}
