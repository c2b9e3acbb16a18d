#include <QLabel>
#include <QPushButton>
#include <QSpinBox>
#include <QtTest>

#include "ConsoleFixture.h"
#include "ui/ScalingPanel.h"

using namespace rampart::console;
using namespace rampart::console::test;

class ScalingPanelTest : public QObject {
    Q_OBJECT
private:
    std::unique_ptr<ConsoleFixture> f;
    std::unique_ptr<ScalingPanel> panel;

    template <typename T>
    T* child(const char* name) {
        auto* w = panel->findChild<T*>(name);
        if (!w) qFatal("no child %s", name);
        return w;
    }
    void recommend(uint32_t current, uint32_t recommended) {
        auto s = f->snapshot(0, f->nowMs() + 1000, 1000);
        s.scaleCurrent = current;
        s.scaleRecommended = recommended;
        f->fleet.applySnapshot("auth-1", s);
    }

private slots:
    void init() {
        f = std::make_unique<ConsoleFixture>();
        f->addNodes(2);
        panel = std::make_unique<ScalingPanel>(f->fleet, f->actions);
        panel->show();
        panel->setTarget("auth-1");
    }
    void cleanup() {
        panel.reset();
        f.reset();
    }

    void showsTheSizeAndTheRecommendationWithItsReason() {
        recommend(3, 5);
        QCOMPARE(panel->currentSize(), 3);
        QCOMPARE(panel->recommendedSize(), 5);
        QCOMPARE(child<QLabel>("scaleCurrent")->text(), QStringLiteral("3"));
        const QString reason = child<QLabel>("scaleRecommendation")->text();
        QVERIFY2(reason.contains("5") && reason.contains("above"), qPrintable(reason));
        QCOMPARE(child<QSpinBox>("scaleReplicas")->value(), 3);
        QVERIFY(child<QPushButton>("scaleApplyRecommendation")->text().contains("5"));
    }

    void appliesTheRecommendation() {
        recommend(3, 5);
        QTest::mouseClick(child<QPushButton>("scaleApplyRecommendation"), Qt::LeftButton);
        const auto calls = f->actions.callsOf("scale");
        QCOMPARE(calls.size(), 1);
        QCOMPARE(calls[0].node, QStringLiteral("auth-1"));
        QCOMPARE(calls[0].replicas, 5u);
        f->actions.finish("auth-1", "scale to 5", true);
        QVERIFY(child<QLabel>("scaleStatus")->text().contains("done"));
    }

    void appliesAChosenSize() {
        recommend(3, 3);
        QVERIFY(!child<QPushButton>("scaleApplyRecommendation")->isEnabled());  // already there
        child<QSpinBox>("scaleReplicas")->setValue(7);
        recommend(3, 3);  // live data does not undo the operator's choice
        QCOMPARE(child<QSpinBox>("scaleReplicas")->value(), 7);
        QTest::mouseClick(child<QPushButton>("scaleApply"), Qt::LeftButton);
        QCOMPARE(f->actions.callsOf("scale").size(), 1);
        QCOMPARE(f->actions.callsOf("scale")[0].replicas, 7u);
    }

    void aViewerCannotScaleAndIsToldWhy() {
        recommend(3, 5);
        f->setRole("auth-1", "viewer");
        for (const char* name : {"scaleApply", "scaleApplyRecommendation"}) {
            QVERIFY(!child<QPushButton>(name)->isEnabled());
            QCOMPARE(child<QPushButton>(name)->toolTip(),
                     QStringLiteral("your certificate is a viewer on auth-1: read-only"));
        }
        panel->applyRecommendation();
        QVERIFY(f->actions.calls.isEmpty());
        panel->setTarget("auth-2");
        QVERIFY(child<QPushButton>("scaleApply")->isEnabled());
    }
};

QTEST_MAIN(ScalingPanelTest)
#include "ScalingPanelTest.moc"
