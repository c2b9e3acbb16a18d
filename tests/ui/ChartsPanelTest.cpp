#include <QLabel>
#include <QToolTip>
#include <QtCharts/QChart>
#include <QtCharts/QXYSeries>
#include <QtTest>

#include "ConsoleFixture.h"
#include "ui/ChartsPanel.h"
#include "ui/TimeChart.h"

using namespace rampart::console;
using namespace rampart::console::test;
using Metric = TimeSeriesStore::Metric;

namespace {

QXYSeries* lineSeries(TimeChart* chart, const QString& name) {
    for (auto* s : chart->chart()->series()) {
        if (s->name() == name) return qobject_cast<QXYSeries*>(s);
    }
    return nullptr;
}

}  // namespace

class ChartsPanelTest : public QObject {
    Q_OBJECT
private:
    std::unique_ptr<ConsoleFixture> f;
    std::unique_ptr<ChartsPanel> panel;

    void showPanel() {
        panel = std::make_unique<ChartsPanel>(f->series, f->events);
        panel->resize(1200, 800);
        panel->show();
        QVERIFY(QTest::qWaitForWindowExposed(panel.get()));
    }

private slots:
    void init() {
        f = std::make_unique<ConsoleFixture>();
        f->addNodes(3);
    }
    void cleanup() {
        panel.reset();
        f.reset();
    }

    void redrawsOnTheTimerNotPerAppend() {
        f->feed(60);
        showPanel();
        QTRY_VERIFY(panel->redrawCount() >= 1);
        auto* latency = panel->chart(ChartsPanel::Latency);
        auto* p99 = lineSeries(latency, "p99");
        QVERIFY(p99);
        QSignalSpy replaced(p99, &QXYSeries::pointsReplaced);
        const int redraws = panel->redrawCount();

        f->feed(300);  // 900 appends without the event loop running
        QCOMPARE(panel->redrawCount(), redraws);
        QCOMPARE(replaced.count(), 0);

        QTRY_VERIFY(panel->redrawCount() > redraws);
        // One replace() per series per frame, however many snapshots arrived.
        QCOMPARE(replaced.count(), panel->redrawCount() - redraws);
        QCOMPARE(latency->replaceCount(), latency->frameCount() * latency->seriesCount());
        QVERIFY(panel->redrawCount() - redraws <= 2);
    }

    void pointsNeverExceedThePlotWidth() {
        f->feed(3600);  // an hour at 1 s
        showPanel();
        panel->setWindowMinutes(60);
        const int before = panel->redrawCount();
        QTRY_VERIFY(panel->redrawCount() > before);
        for (int i = 0; i < panel->chartCount(); ++i) {
            auto* chart = panel->chart(i);
            for (auto* s : chart->chart()->series()) {
                auto* xy = qobject_cast<QXYSeries*>(s);
                if (!xy) continue;
                QVERIFY2(xy->count() <= chart->plotWidth(),
                         qPrintable(QString("%1/%2: %3 points for %4 px")
                                        .arg(chart->title(), xy->name())
                                        .arg(xy->count())
                                        .arg(chart->plotWidth())));
            }
        }
        for (int i = 0; i < panel->chartCount(); ++i) {
            for (const auto& [name, points] : panel->chart(i)->seriesInView()) {
                QVERIFY2(points.size() <= panel->chart(i)->plotWidth(), qPrintable(name));
            }
        }
        const auto p99 = lineSeries(panel->chart(ChartsPanel::Latency), "p99");
        QVERIFY(p99->count() > 100);  // decimated, not starved
    }

    void pauseShowsTheBannerAndFreezesTheRange() {
        f->feed(120);
        showPanel();
        QTRY_VERIFY(panel->redrawCount() >= 1);
        auto* banner = panel->findChild<QLabel*>("pausedBanner");
        QVERIFY(banner);
        QVERIFY(!banner->isVisible());
        QSignalSpy paused(panel.get(), &ChartsPanel::pausedChanged);

        panel->setPaused(true);
        QVERIFY(banner->isVisible());
        QVERIFY(banner->text().contains("PAUSED"));
        QCOMPARE(paused.count(), 1);
        const qint64 frozen = f->series.latestTimeMs();

        f->feed(60);
        // A change of view draws a frame even while paused — on the frozen range.
        panel->setScope("auth-2");
        const int redraws = panel->redrawCount();
        QTRY_VERIFY(panel->redrawCount() > redraws);
        QCOMPARE(panel->chart(ChartsPanel::Outcomes)->range().second, frozen);

        panel->setPaused(false);
        QVERIFY(!banner->isVisible());
        QTRY_COMPARE(panel->chart(ChartsPanel::Outcomes)->range().second, f->series.latestTimeMs());
    }

    void zoomingPausesLiveFollow() {
        f->feed(300);
        showPanel();
        QTRY_VERIFY(panel->redrawCount() >= 1);
        auto* chart = panel->chart(ChartsPanel::Latency);
        const QRectF plot = chart->chart()->plotArea();
        chart->chart()->zoomIn(
            QRectF(plot.left() + plot.width() / 4, plot.top(), plot.width() / 4, plot.height()));
        QVERIFY(panel->isPaused());
        auto* banner = panel->findChild<QLabel*>("pausedBanner");
        QVERIFY(banner->isVisible());
        QVERIFY(banner->text().contains("zoom"));
        // Every chart follows the zoomed range.
        const int redraws = panel->redrawCount();
        QTRY_VERIFY(panel->redrawCount() > redraws);
        const auto range = panel->chart(ChartsPanel::Outcomes)->range();
        QVERIFY(range.second - range.first < 5 * 60 * 1000 / 2);
    }

    void actionsAndAlertsAreMarkedOnTheTimeAxis() {
        f->feed(120);
        showPanel();
        QTRY_VERIFY(panel->redrawCount() >= 1);
        f->events.add(EventLogModel::Kind::Action, "auth-1", "block 203.0.113.7 for 900 s",
                      f->nowMs() - 30'000);
        f->events.add(EventLogModel::Kind::Alert, "fleet", "p99 at 80 ms", f->nowMs() - 10'000);
        f->events.add(EventLogModel::Kind::Result, "auth-1", "done", f->nowMs() - 29'000);
        f->events.add(EventLogModel::Kind::Connection, "auth-1", "connected", f->nowMs() - 5'000);
        QCOMPARE(panel->markerCount(), 2);
        for (int i = 0; i < panel->chartCount(); ++i) {
            QTRY_COMPARE(panel->chart(i)->visibleMarkerCount(), 2);
        }
    }

    void hoverShowsTheValue() {
        f->feed(120);
        showPanel();
        QTRY_VERIFY(panel->redrawCount() >= 1);
        auto* latency = panel->chart(ChartsPanel::Latency);
        auto* p99 = lineSeries(latency, "p99");
        const QPointF point = p99->at(p99->count() / 2);
        emit p99->hovered(point, true);
        QTRY_VERIFY(QToolTip::isVisible());
        QVERIFY2(
            QToolTip::text().startsWith("p99\n" + QString::number(point.y(), 'f', 2) + " ms at "),
            qPrintable(QToolTip::text()));
        emit p99->hovered(point, false);
        QTRY_VERIFY(!QToolTip::isVisible());

        f->events.add(EventLogModel::Kind::Action, "fleet", "scale to 5", f->nowMs() - 20'000);
        QTRY_COMPARE(latency->visibleMarkerCount(), 1);
        QXYSeries* markers = nullptr;
        for (auto* s : latency->chart()->series()) {
            auto* xy = qobject_cast<QXYSeries*>(s);
            if (xy && xy->count() == 1 && s->type() == QAbstractSeries::SeriesTypeScatter)
                markers = xy;
        }
        QVERIFY(markers);
        emit markers->hovered(markers->at(0), true);
        QTRY_VERIFY(QToolTip::text().contains("scale to 5"));
    }

    void cpuShowsTheFleetPlusTheThreeWorstNodes() {
        f->addNodes(5);  // 8 nodes
        f->feed(120);
        showPanel();
        QTRY_VERIFY(panel->redrawCount() >= 1);
        auto* cpu = panel->chart(ChartsPanel::Cpu);
        QCOMPARE(cpu->seriesCount(), 1 + ChartsPanel::kWorstNodes);
        const auto range = cpu->range();
        const auto worst = f->series.worstNodes(Metric::Cpu, range.first, range.second, 3);
        QCOMPARE(worst.size(), 3);
        QCOMPARE(cpu->seriesName(0), QStringLiteral("fleet average"));
        for (int i = 0; i < 3; ++i) QCOMPARE(cpu->seriesName(i + 1), worst[i]);
        QCOMPARE(cpu->seriesInView().size(), 4);

        panel->setScope("auth-4");
        const int redraws = panel->redrawCount();
        QTRY_VERIFY(panel->redrawCount() > redraws);
        const auto shown = cpu->seriesInView();
        QCOMPARE(shown.size(), 1);
        QVERIFY(shown.first().first.contains("auth-4"));
    }

    void exportsPixmapsAndTheSeriesInView() {
        f->feed(300);
        showPanel();
        QTRY_VERIFY(panel->redrawCount() >= 1);
        for (int i = 0; i < panel->chartCount(); ++i) {
            const QPixmap pixmap = panel->grabChart(i);
            QVERIFY(!pixmap.isNull());
            QVERIFY(pixmap.width() > 300);
        }
        QVERIFY(panel->grabChart(99).isNull());

        const auto series = panel->seriesInView();
        QStringList names;
        for (const auto& [name, points] : series) {
            names << name;
            QVERIFY(!points.isEmpty());
        }
        QVERIFY(names.contains("Latency: p99 (ms)"));
        QVERIFY(names.contains("Outcomes: allowed (req/s)"));
        QVERIFY(names.contains("Memory: fleet total (right axis) (MB)"));
        // What is exported is what the store holds for the range shown, in the same units.
        const auto range = panel->chart(ChartsPanel::Latency)->range();
        const auto p99 = std::find_if(series.begin(), series.end(),
                                      [](const auto& s) { return s.first == "Latency: p99 (ms)"; });
        const auto expected = f->series.series({}, Metric::LatencyP99, range.first, range.second,
                                               panel->chart(ChartsPanel::Latency)->plotWidth());
        QCOMPARE(p99->second, expected);
        const QString csv = TimeSeriesStore::toCsv(series);
        QVERIFY(csv.startsWith("time_iso,"));
    }
};

QTEST_MAIN(ChartsPanelTest)
#include "ChartsPanelTest.moc"
