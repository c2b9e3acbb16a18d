#include "ui/ChartsPanel.h"

#include <QDateTime>
#include <QGridLayout>
#include <QLabel>
#include <QVBoxLayout>
#include <algorithm>
#include <tuple>

#include "ui/TimeChart.h"

namespace rampart::console {
namespace {

using Metric = TimeSeriesStore::Metric;

// Bottom to top: what succeeded, then each reason for a denial.
const QList<Metric> kOutcomeMetrics{
    Metric::Allowed,      Metric::DeniedInvalid,  Metric::DeniedExpired,    Metric::DeniedRevoked,
    Metric::DeniedRateIp, Metric::DeniedRateUser, Metric::DeniedRateGlobal, Metric::DeniedBlocked};
const QList<Metric> kLatencyMetrics{Metric::LatencyP50, Metric::LatencyP95, Metric::LatencyP99};

// The aggregate is calm and thick; the worst nodes are the loud colours.
const QColor kAggregateColor(0x5c, 0x7c, 0xa8);
const std::array<QColor, ChartsPanel::kWorstNodes> kWorstColors{
    QColor(0xe5, 0x39, 0x35), QColor(0xfb, 0x8c, 0x00), QColor(0x8e, 0x24, 0xaa)};

}  // namespace

ChartsPanel::ChartsPanel(TimeSeriesStore& store, EventLogModel& events, QWidget* parent)
    : QWidget(parent), m_store(store), m_banner(new QLabel(this)) {
    m_banner->setObjectName("pausedBanner");
    m_banner->setAlignment(Qt::AlignCenter);
    m_banner->setVisible(false);

    auto* outcomes = new TimeChart(tr("Outcomes"), tr("req/s"), TimeChart::Style::StackedAreas);
    outcomes->addSeries(tr("allowed"), QColor(0x43, 0xa0, 0x47), 1);
    outcomes->addSeries(tr("invalid"), QColor(0xe5, 0x39, 0x35), 1);
    outcomes->addSeries(tr("expired"), QColor(0xfb, 0x8c, 0x00), 1);
    outcomes->addSeries(tr("revoked"), QColor(0x8e, 0x24, 0xaa), 1);
    outcomes->addSeries(tr("rate: IP"), QColor(0xfd, 0xd8, 0x35), 1);
    outcomes->addSeries(tr("rate: user"), QColor(0xf4, 0x51, 0x1e), 1);
    outcomes->addSeries(tr("rate: global"), QColor(0x79, 0x55, 0x48), 1);
    outcomes->addSeries(tr("blocked"), QColor(0x54, 0x6e, 0x7a), 1);
    // Eight reasons do not fit under a chart without eliding: they go down its side.
    outcomes->setLegendAlignment(Qt::AlignRight);

    auto* latency = new TimeChart(tr("Latency"), tr("ms"), TimeChart::Style::Lines);
    latency->addSeries(tr("p50"), QColor(0x43, 0xa0, 0x47));
    latency->addSeries(tr("p95"), QColor(0xfb, 0x8c, 0x00));
    latency->addSeries(tr("p99"), QColor(0xe5, 0x39, 0x35), 2.5);

    auto* cpu = new TimeChart(tr("CPU"), tr("% of a core"), TimeChart::Style::Lines);
    cpu->addSeries(tr("fleet average"), kAggregateColor, 3.5);
    for (const auto& color : kWorstColors) cpu->addSeries({}, color, 1.8);

    // The fleet's memory is a sum and dwarfs any node: it gets its own axis on the right.
    auto* memory = new TimeChart(tr("Memory"), tr("MB"), TimeChart::Style::Lines);
    memory->addSeries(tr("fleet total (right axis)"), kAggregateColor, 3.5, TimeChart::Axis::Right);
    for (const auto& color : kWorstColors) memory->addSeries({}, color, 1.8);

    m_charts = {outcomes, latency, cpu, memory};
    const std::array<const char*, ChartCount> names{"outcomesChart", "latencyChart", "cpuChart",
                                                    "memoryChart"};
    auto* grid = new QGridLayout;
    grid->setSpacing(4);
    for (int i = 0; i < ChartCount; ++i) {
        auto* chart = m_charts[i];
        chart->setParent(this);
        chart->setObjectName(names[i]);
        grid->addWidget(chart, i / 2, i % 2);
        connect(chart, &TimeChart::zoomed, this, &ChartsPanel::onZoomed);
        connect(chart, &TimeChart::activated, this, [this, i] { m_current = i; });
    }
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(2);
    layout->addWidget(m_banner);
    layout->addLayout(grid, 1);

    connect(&store, &TimeSeriesStore::appended, this, [this] { m_dirty = true; });
    connect(&events, &EventLogModel::eventAdded, this, &ChartsPanel::onEvent);
    connect(&m_timer, &QTimer::timeout, this, &ChartsPanel::onTick);
    m_timer.start(kRedrawIntervalMs);
}

void ChartsPanel::setWindowMinutes(int minutes) {
    minutes = std::clamp(minutes, 1, 60);
    if (minutes == m_windowMinutes) return;
    m_windowMinutes = minutes;
    m_zoom.reset();
    m_needsFrame = true;
}

void ChartsPanel::setScope(const QString& node) {
    if (node == m_scope) return;
    m_scope = node;
    m_needsFrame = true;
}

void ChartsPanel::setPaused(bool paused) {
    if (paused == m_paused) return;
    m_paused = paused;
    if (paused) {
        m_frozenToMs = m_store.latestTimeMs();
    } else {
        m_zoom.reset();
        m_needsFrame = true;
    }
    updateBanner();
    emit pausedChanged(paused);
}

void ChartsPanel::applyTheme() {
    for (auto* chart : m_charts) chart->applyTheme();
    m_needsFrame = true;
}

void ChartsPanel::updateBanner() {
    m_banner->setText(m_zoom ? tr("PAUSED — zoomed in; live follow is off (Space returns to live)")
                             : tr("PAUSED — the charts are frozen (Space resumes)"));
    m_banner->setVisible(m_paused);
}

void ChartsPanel::onZoomed(qint64 fromMs, qint64 toMs) {
    m_zoom = qMakePair(fromMs, toMs);
    if (!m_paused) {
        setPaused(true);
    } else {
        updateBanner();
    }
    // Redraw every chart on the zoomed range, at the resolution the range deserves.
    m_needsFrame = true;
}

void ChartsPanel::onEvent(EventLogModel::Kind kind, qint64 timeMs, const QString& message) {
    if (kind != EventLogModel::Kind::Action && kind != EventLogModel::Kind::Alert) return;
    m_markers.append({timeMs, message, kind == EventLogModel::Kind::Alert});
    // Older than the longest window is never drawn again.
    if (m_markers.size() > kMaxMarkers) m_markers.remove(0, m_markers.size() - kMaxMarkers);
    m_dirty = true;
}

void ChartsPanel::onTick() {
    // Nothing drawn that nobody can see; the next visible tick catches up.
    if (!isVisible()) return;
    if (m_needsFrame) return redraw();
    if (!m_dirty || m_paused) return;
    // New data moves the picture by at most a pixel per (window / plot width): a 60-minute
    // window gains a pixel every few seconds, and redrawing it five times a second would
    // only burn CPU. Short windows still get the full kRedrawIntervalMs rate.
    const qint64 msPerPixel =
        qint64(m_windowMinutes) * 60'000 / std::max(1, m_charts[Outcomes]->plotWidth());
    const qint64 due = std::clamp<qint64>(msPerPixel, kRedrawIntervalMs, kMaxRedrawIntervalMs);
    if (m_sinceRedraw.isValid() && m_sinceRedraw.elapsed() + kRedrawIntervalMs / 2 < due) return;
    redraw();
}

QList<QList<QPointF>> ChartsPanel::metrics(const QString& node, const QList<Metric>& list,
                                           qint64 fromMs, qint64 toMs, int maxPoints) const {
    QList<QList<QPointF>> data;
    data.reserve(list.size());
    for (auto m : list) data.append(m_store.series(node, m, fromMs, toMs, maxPoints));
    return data;
}

void ChartsPanel::drawPerNode(TimeChart* chart, Metric metric, int aggregateSlot, qint64 fromMs,
                              qint64 toMs, const QList<EventMarker>& markers) {
    const int width = chart->plotWidth();
    QList<QList<QPointF>> data(chart->seriesCount());
    if (m_scope.isEmpty()) {
        data[aggregateSlot] = m_store.series({}, metric, fromMs, toMs, width);
        const auto worst = m_store.worstNodes(metric, fromMs, toMs, kWorstNodes);
        for (int i = 0; i < kWorstNodes; ++i) {
            const int slot = i + 1;
            if (i < worst.size()) {
                chart->setSeriesName(slot, worst[i]);
                data[slot] = m_store.series(worst[i], metric, fromMs, toMs, width);
            }
        }
        chart->setSeriesName(aggregateSlot, metric == Metric::MemoryMb
                                                ? tr("fleet total (right axis)")
                                                : tr("fleet average"));
    } else {
        // One node: its own line in the first per-node slot (left axis).
        chart->setSeriesName(1, m_scope);
        data[1] = m_store.series(m_scope, metric, fromMs, toMs, width);
    }
    chart->setFrame(data, markers, fromMs, toMs);
}

void ChartsPanel::redraw() {
    ++m_redraws;
    m_sinceRedraw.start();
    m_dirty = false;
    m_needsFrame = false;
    const qint64 windowMs = qint64(m_windowMinutes) * 60'000;
    qint64 toMs = m_paused ? m_frozenToMs : m_store.latestTimeMs();
    if (toMs <= 0) toMs = QDateTime::currentMSecsSinceEpoch();
    qint64 fromMs = toMs - windowMs;
    if (m_zoom) std::tie(fromMs, toMs) = std::pair(m_zoom->first, m_zoom->second);

    QList<EventMarker> markers;
    for (const auto& marker : m_markers) {
        if (marker.timeMs >= fromMs && marker.timeMs <= toMs) markers.append(marker);
    }
    auto* outcomes = m_charts[Outcomes];
    outcomes->setFrame(metrics(m_scope, kOutcomeMetrics, fromMs, toMs, outcomes->plotWidth()),
                       markers, fromMs, toMs);
    auto* latency = m_charts[Latency];
    latency->setFrame(metrics(m_scope, kLatencyMetrics, fromMs, toMs, latency->plotWidth()),
                      markers, fromMs, toMs);
    drawPerNode(m_charts[Cpu], Metric::Cpu, 0, fromMs, toMs, markers);
    drawPerNode(m_charts[Memory], Metric::MemoryMb, 0, fromMs, toMs, markers);
}

QPixmap ChartsPanel::grabChart(int index) const {
    if (index < 0 || index >= ChartCount) return {};
    return m_charts[index]->grab();
}

QList<QPair<QString, QList<QPointF>>> ChartsPanel::seriesInView() const {
    QList<QPair<QString, QList<QPointF>>> out;
    for (auto* chart : m_charts) out.append(chart->seriesInView());
    return out;
}

}  // namespace rampart::console
