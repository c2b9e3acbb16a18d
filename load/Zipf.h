#pragma once

#include <cstddef>
#include <random>
#include <vector>

namespace rampart::load {

// Draws 0..n-1 with P(k) ∝ 1/(k+1)^s: a few clients or users send most of the traffic, as in a
// real launch (and as an abuser does). s = 0 is uniform. Precomputed CDF, O(log n) per draw.
class Zipf {
public:
    Zipf(size_t n, double s);
    size_t operator()(std::mt19937_64& rng) const;
    size_t size() const { return cdf_.size(); }

private:
    std::vector<double> cdf_;
};

}  // namespace rampart::load
