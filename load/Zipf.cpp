#include "load/Zipf.h"

#include <algorithm>
#include <cmath>

namespace rampart::load {

Zipf::Zipf(size_t n, double s) : cdf_(std::max<size_t>(1, n)) {
    double total = 0;
    for (size_t k = 0; k < cdf_.size(); ++k) {
        total += 1.0 / std::pow(static_cast<double>(k + 1), s);
        cdf_[k] = total;
    }
    for (auto& c : cdf_) c /= total;
}

size_t Zipf::operator()(std::mt19937_64& rng) const {
    const double u = std::uniform_real_distribution<double>(0, 1)(rng);
    const auto it = std::lower_bound(cdf_.begin(), cdf_.end(), u);
    return std::min<size_t>(static_cast<size_t>(it - cdf_.begin()), cdf_.size() - 1);
}

}  // namespace rampart::load
