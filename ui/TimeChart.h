#pragma once

#include <QList>
#include <QPair>
#include <QPointF>
#include <QtCharts/QChartView>
#include <vector>

#include "ui/EventMarker.h"

class QGraphicsLineItem;

QT_BEGIN_NAMESPACE
class QAreaSeries;
class QDateTimeAxis;
class QLineSeries;
class QScatterSeries;
class QValueAxis;
class QXYSeries;
QT_END_NAMESPACE

namespace rampart::console {

// One live chart over time: a fixed set of series (lines, or stacked areas) on a time axis,
// plus markers for operator actions and alerts. It draws what it is given in frames — one
// replace() per series, axes set once per frame — and never queries data itself.
// A rubber-band zoom (or a right-click zoom out) is reported as zoomed(); the owner decides
// what live follow does about it.
class TimeChart : public QChartView {
    Q_OBJECT
public:
    enum class Style { Lines, StackedAreas };
    enum class Axis { Left, Right };

    TimeChart(const QString& title, const QString& unit, Style style, QWidget* parent = nullptr);
    ~TimeChart() override;

    // Series are set up once; a frame gives data for each, in the order they were added.
    int addSeries(const QString& name, const QColor& color, qreal width = 2.0,
                  Axis axis = Axis::Left);
    void setSeriesName(int index, const QString& name);
    void setLegendAlignment(Qt::Alignment alignment);
    QString seriesName(int index) const;
    int seriesCount() const { return static_cast<int>(m_slots.size()); }

    // Draws one frame. data[i] is series i in the chart's unit; an empty list hides the series
    // from the legend. Markers outside [fromMs, toMs] are not drawn.
    void setFrame(const QList<QList<QPointF>>& data, const QList<EventMarker>& markers,
                  qint64 fromMs, qint64 toMs);

    QString title() const { return m_title; }
    QString unit() const { return m_unit; }
    // Pixels available for data: what a series needs at most, one point per pixel.
    int plotWidth() const;
    // The data of the last frame as given (not stacked), named "<title>: <series> (<unit>)".
    QList<QPair<QString, QList<QPointF>>> seriesInView() const;
    int frameCount() const { return m_frameCount; }
    int replaceCount() const { return m_replaceCount; }
    int visibleMarkerCount() const { return m_visibleMarkers.size(); }
    QPair<qint64, qint64> range() const { return {m_fromMs, m_toMs}; }

    // Re-reads Theme (chart theme, fonts) and re-applies the series' own colours.
    void applyTheme();

signals:
    void zoomed(qint64 fromMs, qint64 toMs);
    void activated();

protected:
    void mousePressEvent(QMouseEvent* event) override;

private:
    struct Slot {
        QString name;
        QColor color;
        qreal width = 2;
        Axis axis = Axis::Left;
        QLineSeries* line = nullptr;   // the drawn line, or the area's upper edge
        QLineSeries* lower = nullptr;  // the area's lower edge (stacked layers above the first)
        QAreaSeries* area = nullptr;
        QList<QPointF> raw;
        bool legendVisible = true;
    };

    QXYSeries* addMarkerSeries(const QColor& color);
    void styleSlot(Slot& slot);
    void setRanges(qint64 fromMs, qint64 toMs, double leftMax, double rightMax);
    void placeMarkers();
    void showValueTip(const Slot& slot, const QPointF& point, bool state);
    void showMarkerTip(const QPointF& point, bool state);
    void setLegendVisible(Slot& slot, bool visible);
    QValueAxis* axisFor(Axis axis) const;

    QString m_title;
    QString m_unit;
    Style m_style;
    QChart* m_chart;
    QDateTimeAxis* m_timeAxis;
    QValueAxis* m_leftAxis;
    QValueAxis* m_rightAxis = nullptr;
    std::vector<Slot> m_slots;
    QScatterSeries* m_actionMarkers;
    QScatterSeries* m_alertMarkers;
    QList<EventMarker> m_visibleMarkers;
    std::vector<QGraphicsLineItem*> m_markerLines;
    qint64 m_fromMs = 0;
    qint64 m_toMs = 0;
    double m_leftMax = 1;
    bool m_settingRange = false;
    int m_frameCount = 0;
    int m_replaceCount = 0;
};

}  // namespace rampart::console
