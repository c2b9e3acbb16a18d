#include <QtTest>
class TimeSeriesStoreTest : public QObject { Q_OBJECT };
QTEST_GUILESS_MAIN(TimeSeriesStoreTest)
#include "TimeSeriesStoreTest.moc"
