// The HPA replica rule, case by case.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <limits>

#include "scaling/ScalingBackend.h"

namespace rampart::scaling {
namespace {

// observed %, target %, current, min, max → expected (doubles first: no padding).
struct Case {
    const char* what;
    double observed;
    double target;
    uint32_t current;
    uint32_t min;
    uint32_t max;
    uint32_t expected;
};

TEST(Recommendation, followsTheHpaRule) {
    const Case cases[] = {
        {"scale up: ceil(3 × 90/60) = ceil(4.5)", 90, 60, 3, 1, 10, 5},
        {"scale down: ceil(4 × 20/60) = ceil(1.33)", 20, 60, 4, 1, 10, 2},
        {"within tolerance above", 65, 60, 3, 1, 10, 3},
        {"within tolerance below", 55, 60, 3, 1, 10, 3},
        {"exactly 10 % above is still within", 66, 60, 3, 1, 10, 3},
        {"exactly 10 % below is still within", 54, 60, 3, 1, 10, 3},
        {"just past the tolerance", 67, 60, 3, 1, 10, 4},
        {"exact integral result is not rounded up: 21 × 90/70 = 27", 90, 70, 21, 1, 64, 27},
        {"doubling", 140, 70, 8, 1, 64, 16},
        {"idle scales to the minimum", 0, 70, 6, 2, 10, 2},
        {"clamped to max", 600, 60, 10, 1, 20, 20},
        {"clamped to min", 1, 60, 4, 2, 10, 2},
        {"zero current computes as one", 120, 60, 0, 0, 10, 2},
        {"zero current, low load, rounds up to one", 30, 60, 0, 0, 10, 1},
        {"zero current within tolerance stays at the minimum", 60, 60, 0, 1, 10, 1},
        {"current above max is brought down even within tolerance", 60, 60, 30, 1, 20, 20},
        {"current below min is brought up even within tolerance", 60, 60, 1, 3, 20, 3},
    };
    for (const auto& c : cases) {
        EXPECT_EQ(recommendReplicas(c.current, c.observed, c.target, c.min, c.max), c.expected)
            << c.what;
    }
}

TEST(Recommendation, nonPositiveTargetKeepsCurrent) {
    EXPECT_EQ(recommendReplicas(5, 90, 0, 1, 10), 5u);
    EXPECT_EQ(recommendReplicas(5, 90, -10, 1, 10), 5u);
}

TEST(Recommendation, unusableMeasurementKeepsCurrent) {
    EXPECT_EQ(recommendReplicas(5, std::nan(""), 60, 1, 10), 5u);
    EXPECT_EQ(recommendReplicas(5, -1, 60, 1, 10), 5u);
    EXPECT_EQ(recommendReplicas(5, std::numeric_limits<double>::infinity(), 60, 1, 10), 5u);
}

TEST(Recommendation, toleranceIsAParameter) {
    EXPECT_EQ(recommendReplicas(10, 105, 100, 1, 20, 0.0), 11u);
    EXPECT_EQ(recommendReplicas(10, 105, 100, 1, 20), 10u);
    EXPECT_EQ(recommendReplicas(10, 130, 100, 1, 20, 0.5), 10u);
}

TEST(Recommendation, hugeRatiosSaturateAtMax) {
    const uint32_t big = std::numeric_limits<uint32_t>::max();
    EXPECT_EQ(recommendReplicas(big, 1e12, 1, 1, big), big);
    EXPECT_EQ(recommendReplicas(4'000'000'000u, 1000, 10, 1, 64), 64u);
}

TEST(Recommendation, maxBelowMinMeansMin) { EXPECT_EQ(recommendReplicas(3, 600, 60, 5, 2), 5u); }

}  // namespace
}  // namespace rampart::scaling
