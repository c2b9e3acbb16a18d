#include "ui/Stacking.h"

#include <algorithm>
#include <cmath>

namespace rampart::console::stacking {
namespace {

bool sameX(const QList<QList<QPointF>>& layers, qsizetype& reference) {
    reference = -1;
    for (qsizetype i = 0; i < layers.size(); ++i) {
        if (layers[i].isEmpty()) continue;
        if (reference < 0) {
            reference = i;
            continue;
        }
        const auto& a = layers[reference];
        const auto& b = layers[i];
        if (a.size() != b.size()) return false;
        for (qsizetype k = 0; k < a.size(); ++k) {
            if (a[k].x() != b[k].x()) return false;
        }
    }
    return true;
}

QList<double> onGrid(const QList<QPointF>& points, double from, double width, int buckets) {
    QList<double> values(buckets, 0.0);
    qsizetype k = 0;
    double held = 0;
    for (int b = 0; b < buckets; ++b) {
        const double end = from + width * (b + 1);
        bool any = false;
        double best = 0;
        while (k < points.size() && (points[k].x() < end || b == buckets - 1)) {
            best = any ? std::max(best, points[k].y()) : points[k].y();
            any = true;
            ++k;
        }
        if (any) held = best;
        values[b] = held;
    }
    return values;
}

}  // namespace

QList<QList<QPointF>> cumulative(const QList<QList<QPointF>>& layers, double fromMs, double toMs,
                                 int buckets) {
    QList<QList<QPointF>> tops(layers.size());
    qsizetype reference = -1;
    if (sameX(layers, reference)) {
        if (reference < 0) return tops;
        const auto& xs = layers[reference];
        QList<double> sum(xs.size(), 0.0);
        for (qsizetype i = 0; i < layers.size(); ++i) {
            tops[i].reserve(xs.size());
            for (qsizetype k = 0; k < xs.size(); ++k) {
                if (!layers[i].isEmpty()) sum[k] += layers[i][k].y();
                tops[i].append(QPointF(xs[k].x(), sum[k]));
            }
        }
        return tops;
    }
    buckets = std::max(buckets, 2);
    const double width = std::max(toMs - fromMs, 1.0) / buckets;
    QList<double> sum(buckets, 0.0);
    for (qsizetype i = 0; i < layers.size(); ++i) {
        const auto values = onGrid(layers[i], fromMs, width, buckets);
        tops[i].reserve(buckets);
        for (int b = 0; b < buckets; ++b) {
            sum[b] += values[b];
            tops[i].append(QPointF(fromMs + width * (b + 0.5), sum[b]));
        }
    }
    return tops;
}

double valueNear(const QList<QPointF>& points, double x) {
    if (points.isEmpty()) return 0;
    auto it = std::lower_bound(points.begin(), points.end(), x,
                               [](const QPointF& p, double v) { return p.x() < v; });
    if (it == points.end()) return points.last().y();
    if (it != points.begin() && std::abs((it - 1)->x() - x) < std::abs(it->x() - x)) --it;
    return it->y();
}

}  // namespace rampart::console::stacking
