#pragma once

#include <QList>
#include <QPointF>

// Turns layers of a stacked chart into cumulative tops: top[i] = layers[0] + ... + layers[i].
namespace rampart::console::stacking {

// Layers that share their x values (the common case: one node's samples, or the fleet's bins)
// are summed point by point. Layers whose x values differ — each metric decimated on its own
// keeps different minima and maxima — are first put on one grid of `buckets` equal slices of
// [fromMs, toMs], each slice taking the layer's maximum in it (a spike survives) or holding the
// layer's previous value. An empty layer counts as zero.
QList<QList<QPointF>> cumulative(const QList<QList<QPointF>>& layers, double fromMs, double toMs,
                                 int buckets);

// The y of `points` at the point nearest to x (0 when empty); points are sorted by x.
double valueNear(const QList<QPointF>& points, double x);

}  // namespace rampart::console::stacking
