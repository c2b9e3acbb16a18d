#include <QtTest>
class EventLogModelTest : public QObject { Q_OBJECT };
QTEST_GUILESS_MAIN(EventLogModelTest)
#include "EventLogModelTest.moc"
