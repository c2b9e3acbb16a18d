#include <QSettings>
#include <QTemporaryDir>
#include <QtTest>

#include "models/ConsoleSettings.h"

using rampart::console::AlertRules;
using rampart::console::ConsoleSettings;

class ConsoleSettingsTest : public QObject {
    Q_OBJECT
private slots:
    void init();
    void defaultsWhenEmpty();
    void roundTripsThroughAnIniFile();
    void shorterNodeListLeavesNoTail();
    void clampsChartWindow();
    void worksOverAGivenQSettings();

private:
    QString iniPath() const { return m_dir->filePath(u"console.ini"_qs); }
    std::unique_ptr<QTemporaryDir> m_dir;
};

void ConsoleSettingsTest::init() {
    m_dir = std::make_unique<QTemporaryDir>();
    QVERIFY(m_dir->isValid());
}

void ConsoleSettingsTest::defaultsWhenEmpty() {
    ConsoleSettings settings(iniPath());
    QVERIFY(settings.nodes().isEmpty());
    QCOMPARE(settings.thresholds(), AlertRules::Thresholds{});
    QCOMPARE(settings.chartWindowMinutes(), 5);
    QVERIFY(!settings.warRoomMode());
    QVERIFY(settings.lastFleetFile().isEmpty());
}

void ConsoleSettingsTest::roundTripsThroughAnIniFile() {
    const QList<ConsoleSettings::NodeEntry> nodes{
        {u"edge-1"_qs, u"10.0.0.1:7443"_qs, u"/etc/rampart/ca.pem"_qs,
         u"/etc/rampart/console.pem"_qs, u"/etc/rampart/console.key"_qs},
        {u"edge, \"two\""_qs, u"[2001:db8::2]:7443"_qs, u"ca.pem"_qs, u"c.pem"_qs, u"c.key"_qs},
    };
    {
        ConsoleSettings settings(iniPath());
        settings.setNodes(nodes);
        settings.setThresholds({12.5, 80, 70});
        settings.setChartWindowMinutes(15);
        settings.setWarRoomMode(true);
        settings.setLastFleetFile(u"/home/op/fleet.yaml"_qs);
        settings.sync();
        QCOMPARE(settings.status(), QSettings::NoError);
    }
    QVERIFY(QFile::exists(iniPath()));
    ConsoleSettings reread(iniPath());
    QCOMPARE(reread.nodes(), nodes);
    QCOMPARE(reread.thresholds(), (AlertRules::Thresholds{12.5, 80, 70}));
    QCOMPARE(reread.chartWindowMinutes(), 15);
    QVERIFY(reread.warRoomMode());
    QCOMPARE(reread.lastFleetFile(), u"/home/op/fleet.yaml"_qs);
}

void ConsoleSettingsTest::shorterNodeListLeavesNoTail() {
    {
        ConsoleSettings settings(iniPath());
        settings.setNodes({{u"a"_qs, u"a:1"_qs, {}, {}, {}},
                           {u"b"_qs, u"b:1"_qs, {}, {}, {}},
                           {u"c"_qs, u"c:1"_qs, {}, {}, {}}});
        settings.setNodes({{u"z"_qs, u"z:1"_qs, {}, {}, {}}});
    }
    ConsoleSettings reread(iniPath());
    QCOMPARE(reread.nodes().size(), 1);
    QCOMPARE(reread.nodes().first().name, u"z"_qs);
    QSettings raw(iniPath(), QSettings::IniFormat);
    QVERIFY(!raw.contains(u"fleet/nodes/3/name"_qs));
}

void ConsoleSettingsTest::clampsChartWindow() {
    ConsoleSettings settings(iniPath());
    settings.setChartWindowMinutes(0);
    QCOMPARE(settings.chartWindowMinutes(), 1);
    settings.setChartWindowMinutes(600);
    QCOMPARE(settings.chartWindowMinutes(), 60);
    QSettings raw(iniPath(), QSettings::IniFormat);
    raw.setValue(u"charts/windowMinutes"_qs, u"ninety"_qs);
    raw.sync();
    QCOMPARE(ConsoleSettings(iniPath()).chartWindowMinutes(), 5);
}

void ConsoleSettingsTest::worksOverAGivenQSettings() {
    QSettings raw(iniPath(), QSettings::IniFormat);
    {
        ConsoleSettings settings(&raw);
        settings.setWarRoomMode(true);
    }
    QVERIFY(raw.value(u"view/warRoomMode"_qs).toBool());  // still usable: not owned
    QVERIFY(ConsoleSettings(&raw).warRoomMode());
}

QTEST_GUILESS_MAIN(ConsoleSettingsTest)
#include "ConsoleSettingsTest.moc"
