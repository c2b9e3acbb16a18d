#include <algorithm>
#include <cmath>
#include <cstdint>

#include "scaling/ScalingBackend.h"

namespace rampart::scaling {
namespace {

// Ratios that are exactly on the tolerance boundary in decimal (66/60 against 10 %) land a few
// ulps either side of it in binary; the HPA's intent is "within 10 % → unchanged", inclusive.
constexpr double kBoundarySlack = 1e-9;

}  // namespace

// The replica-count rule of the Kubernetes HorizontalPodAutoscaler
// (kubernetes.io/docs/tasks/run-application/horizontal-pod-autoscale/#algorithm-details):
// desired = ceil(current × observed / target), skipped while the ratio is within the tolerance,
// then bounded by minReplicas and maxReplicas — the bounds hold even when the metric says nothing.
uint32_t recommendReplicas(uint32_t current, double observedCpuPercent, double targetCpuPercent,
                           uint32_t minReplicas, uint32_t maxReplicas, double tolerance) {
    const uint32_t low = minReplicas;
    const uint32_t high = std::max(minReplicas, maxReplicas);
    const auto bounded = [&](uint32_t replicas) { return std::clamp(replicas, low, high); };

    // No usable target or measurement: nothing to scale on.
    if (!(targetCpuPercent > 0) || !std::isfinite(targetCpuPercent) ||
        !std::isfinite(observedCpuPercent) || observedCpuPercent < 0) {
        return bounded(current);
    }
    const double ratio = observedCpuPercent / targetCpuPercent;
    if (std::abs(ratio - 1.0) <= tolerance + kBoundarySlack) return bounded(current);

    // A deployment scaled to zero still has to be able to come back up.
    const double base = current == 0 ? 1.0 : static_cast<double>(current);
    // Multiplying before dividing keeps integral results exact (10 × 77 / 70 is 11, not
    // 11.000000000000002 as 10 × 1.1 would be).
    const double desired = std::ceil(base * observedCpuPercent / targetCpuPercent);
    if (desired >= static_cast<double>(high)) return high;
    return bounded(static_cast<uint32_t>(desired));
}

}  // namespace rampart::scaling
