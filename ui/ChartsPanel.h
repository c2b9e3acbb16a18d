#pragma once

#include <QElapsedTimer>
#include <QList>
#include <QPair>
#include <QPixmap>
#include <QPointF>
#include <QTimer>
#include <QWidget>
#include <array>
#include <optional>

#include "models/EventLogModel.h"
#include "models/TimeSeriesStore.h"
#include "ui/EventMarker.h"

class QLabel;

namespace rampart::console {

class TimeChart;

// The four live charts: outcomes (successes and denials by reason, stacked), latency
// p50/p95/p99, CPU and memory (the fleet aggregate plus the three worst nodes, or one node when
// scoped to it). Appends only mark the charts dirty; a timer redraws at most every
// kRedrawIntervalMs (less often for long windows, where new data moves less than a pixel), one
// replace() per series, decimated to each chart's plot width. Pausing — or zooming,
// which pauses live follow — freezes the time range behind a PAUSED banner.
class ChartsPanel : public QWidget {
    Q_OBJECT
public:
    enum Chart { Outcomes, Latency, Cpu, Memory, ChartCount };
    static constexpr int kRedrawIntervalMs = 200;      // 5 Hz: as often as the eye needs
    static constexpr int kMaxRedrawIntervalMs = 2000;  // long windows: a pixel's worth of time
    static constexpr int kWorstNodes = 3;
    static constexpr int kMaxMarkers = 2000;

    ChartsPanel(TimeSeriesStore& store, EventLogModel& events, QWidget* parent = nullptr);

    void setWindowMinutes(int minutes);
    int windowMinutes() const { return m_windowMinutes; }
    // A node's name, or empty for the whole fleet.
    void setScope(const QString& node);
    QString scope() const { return m_scope; }
    void setPaused(bool paused);
    bool isPaused() const { return m_paused; }
    void applyTheme();

    int chartCount() const { return ChartCount; }
    TimeChart* chart(int index) const { return m_charts.at(index); }
    // The chart last clicked: what "Export chart PNG" exports.
    int currentChart() const { return m_current; }
    QPixmap grabChart(int index) const;
    QList<QPair<QString, QList<QPointF>>> seriesInView() const;
    int redrawCount() const { return m_redraws; }
    int markerCount() const { return m_markers.size(); }

signals:
    void pausedChanged(bool paused);

private:
    void onTick();
    void redraw();
    void onEvent(EventLogModel::Kind kind, qint64 timeMs, const QString& message);
    void onZoomed(qint64 fromMs, qint64 toMs);
    void updateBanner();
    QList<QList<QPointF>> metrics(const QString& node, const QList<TimeSeriesStore::Metric>& m,
                                  qint64 fromMs, qint64 toMs, int maxPoints) const;
    void drawPerNode(TimeChart* chart, TimeSeriesStore::Metric metric, int aggregateSlot,
                     qint64 fromMs, qint64 toMs, const QList<EventMarker>& markers);

    TimeSeriesStore& m_store;
    QTimer m_timer;
    QLabel* m_banner;
    std::array<TimeChart*, ChartCount> m_charts{};
    QList<EventMarker> m_markers;
    QString m_scope;
    int m_windowMinutes = 5;
    bool m_paused = false;
    bool m_dirty = true;       // data arrived since the last frame
    bool m_needsFrame = true;  // the view changed (scope, window, zoom, theme): draw even paused
    qint64 m_frozenToMs = 0;   // the end of the range while paused
    std::optional<QPair<qint64, qint64>> m_zoom;
    QElapsedTimer m_sinceRedraw;
    int m_current = 0;
    int m_redraws = 0;
};

}  // namespace rampart::console
