#include <QtTest>
class ConsoleSettingsTest : public QObject { Q_OBJECT };
QTEST_GUILESS_MAIN(ConsoleSettingsTest)
#include "ConsoleSettingsTest.moc"
