#include <QtTest>
class FleetModelTest : public QObject { Q_OBJECT };
QTEST_GUILESS_MAIN(FleetModelTest)
#include "FleetModelTest.moc"
