#include <QtTest>
class AlertRulesTest : public QObject { Q_OBJECT };
QTEST_GUILESS_MAIN(AlertRulesTest)
#include "AlertRulesTest.moc"
