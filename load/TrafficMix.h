#pragma once

#include <array>
#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "jwt/SigningKey.h"
#include "load/Zipf.h"

namespace rampart::load {

// Shares of each kind of token in the traffic, in any unit (they are normalised).
struct MixWeights {
    double valid = 94;
    double expired = 2;
    double forged = 2;    // signed by an attacker's key under the real kid
    double garbage = 2;   // not a JWT at all
};

struct Population {
    size_t users = 10'000;   // distinct subjects with valid tokens (minted up front, capped)
    double userSkew = 1.0;   // Zipf exponent: a few users send most requests
    size_t clientIps = 50'000;
    double ipSkew = 1.0;
};

// What one request carries.
struct Draw {
    const std::string* token;
    const std::string* clientIp;
};

// Pre-minted tokens and client addresses to draw requests from, so the load generator spends
// its time sending, not signing.
class TrafficMix {
public:
    static absl::StatusOr<TrafficMix> make(const jwt::SigningKey& key, MixWeights weights,
                                           Population population, int64_t nowSeconds);

    Draw draw(std::mt19937_64& rng) const;
    size_t distinctValidTokens() const { return valid_.size(); }

private:
    TrafficMix(Zipf users, Zipf ips) : userPick_(std::move(users)), ipPick_(std::move(ips)) {}

    std::vector<std::string> valid_, expired_, forged_, garbage_;
    std::vector<std::string> ips_;
    Zipf userPick_;
    Zipf ipPick_;
    std::array<double, 4> kindCdf_{};  // valid, expired, forged, garbage
};

}  // namespace rampart::load
