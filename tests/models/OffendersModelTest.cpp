#include <QtTest>
class OffendersModelTest : public QObject { Q_OBJECT };
QTEST_GUILESS_MAIN(OffendersModelTest)
#include "OffendersModelTest.moc"
