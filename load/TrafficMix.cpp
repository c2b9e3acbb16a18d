#include "load/TrafficMix.h"

#include <algorithm>

namespace rampart::load {
namespace {

constexpr size_t kMaxMintedUsers = 20'000;  // about a second of ES256 signing
constexpr size_t kMaxIps = 1'000'000;

std::string claimsFor(const std::string& subject, int64_t exp, int64_t iat) {
    return "{\"sub\":\"" + subject + "\",\"iat\":" + std::to_string(iat) +
           ",\"exp\":" + std::to_string(exp) + ",\"scope\":\"load\"}";
}

// Spread over 10.0.0.0/8 so a /64 or /24 grouping never merges two clients by accident.
std::string ipFor(size_t index) {
    return "10." + std::to_string((index >> 16) & 0xff) + "." + std::to_string((index >> 8) & 0xff) +
           "." + std::to_string(index & 0xff);
}

}  // namespace

absl::StatusOr<TrafficMix> TrafficMix::make(const jwt::SigningKey& key, MixWeights weights,
                                            Population population, int64_t nowSeconds) {
    if (weights.valid < 0 || weights.expired < 0 || weights.forged < 0 || weights.garbage < 0 ||
        weights.valid + weights.expired + weights.forged + weights.garbage <= 0) {
        return absl::InvalidArgumentError("token mix weights must be non-negative, not all zero");
    }
    const size_t users = std::clamp<size_t>(population.users, 1, kMaxMintedUsers);
    const size_t ips = std::clamp<size_t>(population.clientIps, 1, kMaxIps);
    TrafficMix mix(Zipf(users, population.userSkew), Zipf(ips, population.ipSkew));
    const double total = weights.valid + weights.expired + weights.forged + weights.garbage;
    mix.kindCdf_ = {weights.valid / total, (weights.valid + weights.expired) / total,
                    (weights.valid + weights.expired + weights.forged) / total, 1.0};

    for (size_t u = 0; u < users; ++u) {
        mix.valid_.push_back(key.mint(claimsFor("user-" + std::to_string(u), nowSeconds + 3600, nowSeconds)));
    }
    auto forger = jwt::SigningKey::generate(key.alg(), key.kid());
    if (!forger.ok()) return forger.status();
    for (int i = 0; i < 16; ++i) {
        const std::string subject = "user-" + std::to_string(i);
        mix.expired_.push_back(key.mint(claimsFor(subject, nowSeconds - 600 - i, nowSeconds - 4000)));
        mix.forged_.push_back(forger->mint(claimsFor(subject, nowSeconds + 3600, nowSeconds)));
        mix.garbage_.push_back(i % 2 ? "not-a-token-" + std::to_string(i)
                                     : "eyJhbGciOiJub25lIn0.eyJzdWIiOiJhZG1pbiJ9." + std::to_string(i));
    }
    mix.ips_.reserve(ips);
    for (size_t i = 0; i < ips; ++i) mix.ips_.push_back(ipFor(i + 1));
    return mix;
}

Draw TrafficMix::draw(std::mt19937_64& rng) const {
    const std::string* token = nullptr;
    const double u = std::uniform_real_distribution<double>(0, 1)(rng);
    const int kind = static_cast<int>(std::upper_bound(kindCdf_.begin(), kindCdf_.end() - 1, u) -
                                      kindCdf_.begin());
    switch (kind) {
        case 0: token = &valid_[userPick_(rng)]; break;
        case 1: token = &expired_[rng() % expired_.size()]; break;
        case 2: token = &forged_[rng() % forged_.size()]; break;
        default: token = &garbage_[rng() % garbage_.size()]; break;
    }
    return {token, &ips_[ipPick_(rng)]};
}

}  // namespace rampart::load
