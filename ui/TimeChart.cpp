#include "ui/TimeChart.h"

#include <QApplication>
#include <QCursor>
#include <QDateTime>
#include <QGraphicsLineItem>
#include <QMouseEvent>
#include <QToolTip>
#include <QtCharts/QAreaSeries>
#include <QtCharts/QDateTimeAxis>
#include <QtCharts/QLegendMarker>
#include <QtCharts/QLineSeries>
#include <QtCharts/QScatterSeries>
#include <QtCharts/QValueAxis>
#include <algorithm>
#include <cmath>

#include "ui/Format.h"
#include "ui/Stacking.h"
#include "ui/Theme.h"

namespace rampart::console {
namespace {

// A range whose four ticks land on round numbers: 1, 2, 2.5 or 5 × 10^k per tick.
double niceMax(double max) {
    if (!(max > 0) || !std::isfinite(max)) return 1;
    const double rawStep = max * 1.05 / 4;
    const double magnitude = std::pow(10.0, std::floor(std::log10(rawStep)));
    for (double f : {1.0, 2.0, 2.5, 5.0, 10.0}) {
        if (f * magnitude >= rawStep) return 4 * f * magnitude;
    }
    return 40 * magnitude;
}

QString labelFormat(double max) {
    if (max >= 20) return QStringLiteral("%.0f");
    if (max >= 2) return QStringLiteral("%.1f");
    return QStringLiteral("%.2f");
}

double maxY(const QList<QPointF>& points) {
    double m = 0;
    for (const auto& p : points) m = std::max(m, p.y());
    return m;
}

QString formatValue(double v) {
    if (std::abs(v) >= 100) return QString::number(v, 'f', 0);
    if (std::abs(v) >= 10) return QString::number(v, 'f', 1);
    return QString::number(v, 'f', 2);
}

}  // namespace

TimeChart::TimeChart(const QString& title, const QString& unit, Style style, QWidget* parent)
    : QChartView(parent),
      m_title(title),
      m_unit(unit),
      m_style(style),
      m_chart(new QChart),
      m_timeAxis(new QDateTimeAxis),
      m_leftAxis(new QValueAxis) {
    // Live charts redraw several times a second: animations would never settle, and the
    // OpenGL path is off so the same code renders offscreen, over VNC and in exports.
    m_chart->setAnimationOptions(QChart::NoAnimation);
    m_chart->setTitle(title);
    m_chart->legend()->setAlignment(Qt::AlignBottom);
    m_chart->setMargins(QMargins(4, 4, 4, 4));
    m_chart->setBackgroundRoundness(0);
    m_chart->addAxis(m_timeAxis, Qt::AlignBottom);
    m_chart->addAxis(m_leftAxis, Qt::AlignLeft);
    m_timeAxis->setTickCount(6);
    m_leftAxis->setTickCount(5);
    m_leftAxis->setTitleText(unit);
    m_leftAxis->setRange(0, 1);
    // setChart releases the view's default chart without deleting it.
    QChart* placeholder = chart();
    setChart(m_chart);
    delete placeholder;
    setRenderHint(QPainter::Antialiasing);
    setRubberBand(QChartView::HorizontalRubberBand);
    setMinimumSize(320, 200);

    m_actionMarkers = static_cast<QScatterSeries*>(addMarkerSeries(Theme::accent()));
    m_alertMarkers = static_cast<QScatterSeries*>(addMarkerSeries(Theme::bad()));
    connect(m_timeAxis, &QDateTimeAxis::rangeChanged, this,
            [this](const QDateTime& min, const QDateTime& max) {
                if (!m_settingRange) emit zoomed(min.toMSecsSinceEpoch(), max.toMSecsSinceEpoch());
            });
    connect(m_chart, &QChart::plotAreaChanged, this, [this] { placeMarkers(); });
    applyTheme();
}

TimeChart::~TimeChart() = default;

QXYSeries* TimeChart::addMarkerSeries(const QColor& color) {
    auto* markers = new QScatterSeries;
    markers->setMarkerShape(QScatterSeries::MarkerShapeTriangle);
    markers->setMarkerSize(13);
    markers->setColor(color);
    markers->setBorderColor(color.darker(140));
    markers->setUseOpenGL(false);
    m_chart->addSeries(markers);
    markers->attachAxis(m_timeAxis);
    markers->attachAxis(m_leftAxis);
    connect(markers, &QXYSeries::hovered, this,
            [this](const QPointF& p, bool state) { showMarkerTip(p, state); });
    return markers;
}

int TimeChart::addSeries(const QString& name, const QColor& color, qreal width, Axis axis) {
    Slot slot;
    slot.name = name;
    slot.color = color;
    slot.width = width;
    slot.axis = axis;
    if (axis == Axis::Right && !m_rightAxis) {
        m_rightAxis = new QValueAxis;
        m_rightAxis->setTickCount(5);
        m_rightAxis->setRange(0, 1);
        m_chart->addAxis(m_rightAxis, Qt::AlignRight);
    }
    QAbstractSeries* drawn = nullptr;
    if (m_style == Style::StackedAreas) {
        // The area does not own its edges: they live as long as this view.
        slot.line = new QLineSeries(this);
        if (!m_slots.empty()) slot.lower = new QLineSeries(this);
        slot.area = new QAreaSeries(slot.line, slot.lower);
        slot.area->setName(name);
        drawn = slot.area;
    } else {
        slot.line = new QLineSeries;
        slot.line->setName(name);
        drawn = slot.line;
    }
    drawn->setUseOpenGL(false);
    // Markers stay on top of the data: re-add them after every data series.
    m_chart->removeSeries(m_actionMarkers);
    m_chart->removeSeries(m_alertMarkers);
    m_chart->addSeries(drawn);
    drawn->attachAxis(m_timeAxis);
    drawn->attachAxis(axisFor(axis));
    for (auto* markers : {m_actionMarkers, m_alertMarkers}) {
        m_chart->addSeries(markers);
        markers->attachAxis(m_timeAxis);
        markers->attachAxis(m_leftAxis);
        for (auto* m : m_chart->legend()->markers(markers)) m->setVisible(false);
    }
    m_slots.push_back(slot);
    const int index = static_cast<int>(m_slots.size()) - 1;
    auto onHover = [this, index](const QPointF& p, bool state) {
        showValueTip(m_slots[index], p, state);
    };
    if (slot.area) {
        connect(slot.area, &QAreaSeries::hovered, this, onHover);
    } else {
        connect(slot.line, &QXYSeries::hovered, this, onHover);
    }
    styleSlot(m_slots.back());
    return index;
}

void TimeChart::setSeriesName(int index, const QString& name) {
    auto& slot = m_slots.at(index);
    if (slot.name == name) return;
    slot.name = name;
    QAbstractSeries* series = slot.area ? static_cast<QAbstractSeries*>(slot.area) : slot.line;
    series->setName(name);
    // A legend marker made before the series had a name keeps its empty label otherwise.
    for (auto* m : m_chart->legend()->markers(series)) m->setLabel(name);
}

void TimeChart::setLegendAlignment(Qt::Alignment alignment) {
    m_chart->legend()->setAlignment(alignment);
}

QString TimeChart::seriesName(int index) const { return m_slots.at(index).name; }

QValueAxis* TimeChart::axisFor(Axis axis) const {
    return axis == Axis::Right && m_rightAxis ? m_rightAxis : m_leftAxis;
}

void TimeChart::setFrame(const QList<QList<QPointF>>& data, const QList<EventMarker>& markers,
                         qint64 fromMs, qint64 toMs) {
    ++m_frameCount;
    double leftMax = 0;
    double rightMax = 0;
    const qsizetype n = std::min<qsizetype>(data.size(), static_cast<qsizetype>(m_slots.size()));
    if (m_style == Style::StackedAreas) {
        const auto tops = stacking::cumulative(data.first(n), fromMs, toMs, plotWidth() / 2);
        for (qsizetype i = 0; i < n; ++i) {
            auto& slot = m_slots[i];
            slot.raw = data[i];
            slot.line->replace(tops[i]);
            ++m_replaceCount;
            if (slot.lower) {
                slot.lower->replace(tops[i - 1]);
                ++m_replaceCount;
            }
            leftMax = std::max(leftMax, maxY(tops[i]));
            // A reason that never happened in view is noise in the legend.
            setLegendVisible(slot, maxY(data[i]) > 0);
        }
    } else {
        for (qsizetype i = 0; i < n; ++i) {
            auto& slot = m_slots[i];
            slot.raw = data[i];
            slot.line->replace(data[i]);
            ++m_replaceCount;
            const double m = maxY(data[i]);
            (slot.axis == Axis::Right ? rightMax : leftMax) =
                std::max(slot.axis == Axis::Right ? rightMax : leftMax, m);
            setLegendVisible(slot, !data[i].isEmpty());
        }
    }
    setRanges(fromMs, toMs, leftMax, rightMax);

    m_visibleMarkers.clear();
    QList<QPointF> actions;
    QList<QPointF> alerts;
    const double markerY = m_leftMax * 0.94;
    for (const auto& marker : markers) {
        if (marker.timeMs < fromMs || marker.timeMs > toMs) continue;
        m_visibleMarkers.append(marker);
        (marker.alert ? alerts : actions).append(QPointF(marker.timeMs, markerY));
    }
    m_actionMarkers->replace(actions);
    m_alertMarkers->replace(alerts);
    placeMarkers();
}

void TimeChart::setRanges(qint64 fromMs, qint64 toMs, double leftMax, double rightMax) {
    m_fromMs = fromMs;
    m_toMs = toMs;
    m_settingRange = true;
    m_timeAxis->setFormat(toMs - fromMs > 10 * 60 * 1000 ? QStringLiteral("HH:mm")
                                                         : QStringLiteral("HH:mm:ss"));
    m_timeAxis->setRange(QDateTime::fromMSecsSinceEpoch(fromMs),
                         QDateTime::fromMSecsSinceEpoch(toMs));
    m_leftMax = niceMax(leftMax);
    m_leftAxis->setLabelFormat(labelFormat(m_leftMax));
    m_leftAxis->setRange(0, m_leftMax);
    if (m_rightAxis) {
        m_rightAxis->setVisible(rightMax > 0);
        const double right = niceMax(rightMax);
        m_rightAxis->setLabelFormat(labelFormat(right));
        m_rightAxis->setRange(0, right);
    }
    m_settingRange = false;
}

void TimeChart::setLegendVisible(Slot& slot, bool visible) {
    if (slot.legendVisible == visible) return;
    slot.legendVisible = visible;
    QAbstractSeries* series = slot.area ? static_cast<QAbstractSeries*>(slot.area) : slot.line;
    for (auto* m : m_chart->legend()->markers(series)) m->setVisible(visible);
}

void TimeChart::placeMarkers() {
    while (m_markerLines.size() < static_cast<size_t>(m_visibleMarkers.size())) {
        auto* line = new QGraphicsLineItem(m_chart);
        line->setZValue(50);
        m_markerLines.push_back(line);
    }
    const QRectF plot = m_chart->plotArea();
    for (size_t i = 0; i < m_markerLines.size(); ++i) {
        auto* line = m_markerLines[i];
        if (i >= static_cast<size_t>(m_visibleMarkers.size())) {
            line->setVisible(false);
            continue;
        }
        const auto& marker = m_visibleMarkers[static_cast<qsizetype>(i)];
        const qreal x = m_chart->mapToPosition(QPointF(marker.timeMs, 0), m_actionMarkers).x();
        QPen markerPen(marker.alert ? Theme::bad() : Theme::accent(), 1.2, Qt::DashLine);
        line->setPen(markerPen);
        line->setLine(x, plot.top(), x, plot.bottom());
        line->setVisible(plot.contains(QPointF(x, plot.center().y())));
    }
}

int TimeChart::plotWidth() const {
    const int width = static_cast<int>(m_chart->plotArea().width());
    // Before the first layout the plot area is empty; the view's width is a fair bound.
    return width > 10 ? width : std::max(100, this->width() - 80);
}

QList<QPair<QString, QList<QPointF>>> TimeChart::seriesInView() const {
    QList<QPair<QString, QList<QPointF>>> out;
    for (const auto& slot : m_slots) {
        if (slot.raw.isEmpty()) continue;
        out.append({QString("%1: %2 (%3)").arg(m_title, slot.name, m_unit), slot.raw});
    }
    return out;
}

void TimeChart::showValueTip(const Slot& slot, const QPointF& point, bool state) {
    if (!state) return QToolTip::hideText();
    const double value = stacking::valueNear(slot.raw, point.x());
    QToolTip::showText(QCursor::pos(),
                       QString("%1\n%2 %3 at %4")
                           .arg(slot.name, formatValue(value), m_unit,
                                format::clockTime(static_cast<qint64>(point.x()))),
                       this);
}

void TimeChart::showMarkerTip(const QPointF& point, bool state) {
    if (!state || m_visibleMarkers.isEmpty()) return QToolTip::hideText();
    const EventMarker* nearest = &m_visibleMarkers.first();
    for (const auto& marker : m_visibleMarkers) {
        if (std::abs(marker.timeMs - point.x()) < std::abs(nearest->timeMs - point.x())) {
            nearest = &marker;
        }
    }
    QToolTip::showText(QCursor::pos(),
                       QString("%1  %2").arg(format::clockTime(nearest->timeMs), nearest->text),
                       this);
}

void TimeChart::styleSlot(Slot& slot) {
    QPen pen(slot.color, slot.width);
    pen.setCosmetic(true);
    if (slot.area) {
        QColor fill = slot.color;
        fill.setAlpha(Theme::isDark() ? 200 : 170);
        slot.area->setBrush(fill);
        slot.area->setPen(QPen(slot.color.darker(Theme::isDark() ? 100 : 115), 1));
        slot.area->setBorderColor(slot.color);
    } else {
        if (slot.axis == Axis::Right) pen.setStyle(Qt::DashLine);
        slot.line->setPen(pen);
    }
    if (slot.axis == Axis::Right && m_rightAxis) {
        m_rightAxis->setLabelsColor(slot.color);
        m_rightAxis->setLinePenColor(slot.color);
    }
}

void TimeChart::applyTheme() {
    // A chart theme resets colours and fonts of everything on the chart; re-apply ours after.
    m_chart->setTheme(Theme::chartTheme());
    m_chart->setBackgroundRoundness(0);
    for (auto& slot : m_slots) {
        styleSlot(slot);
        QAbstractSeries* series = slot.area ? static_cast<QAbstractSeries*>(slot.area) : slot.line;
        for (auto* m : m_chart->legend()->markers(series)) m->setVisible(slot.legendVisible);
    }
    for (auto* markers : {m_actionMarkers, m_alertMarkers}) {
        for (auto* m : m_chart->legend()->markers(markers)) m->setVisible(false);
    }
    m_actionMarkers->setColor(Theme::accent());
    m_actionMarkers->setBorderColor(Theme::accent().darker(140));
    m_alertMarkers->setColor(Theme::bad());
    m_alertMarkers->setBorderColor(Theme::bad().darker(140));
    const QFont base = QApplication::font();
    QFont title = base;
    title.setBold(true);
    title.setPointSizeF(base.pointSizeF() * 1.05);
    m_chart->setTitleFont(title);
    QFont small = base;
    small.setPointSizeF(base.pointSizeF() * 0.85);
    m_chart->legend()->setFont(small);
    for (auto* axis : m_chart->axes()) {
        axis->setLabelsFont(small);
        axis->setTitleFont(small);
    }
    setBackgroundBrush(palette().window());
    placeMarkers();
}

void TimeChart::mousePressEvent(QMouseEvent* event) {
    emit activated();
    QChartView::mousePressEvent(event);
}

}  // namespace rampart::console
