#pragma once

#include <array>
#include <cstdint>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "limits/IpAddress.h"

namespace rampart::limits {

// CIDR blocks, each with an expiry, looked up by address in one hash probe per distinct prefix
// length (a handful in practice) instead of one comparison per block: with 10,000 operator
// blocks a linear scan cost 90 µs a check. Same matching rules as Cidr::contains.
class CidrIndex {
public:
    // A block added twice keeps the later expiry.
    void add(const Cidr& block, int64_t expiresAt);
    bool empty() const { return blocks_.empty(); }
    size_t size() const { return blocks_.size(); }
    // Whether a block that contains `address` is in force at `now` (now < its expiry).
    bool containsActive(const IpAddress& address, int64_t now) const;

private:
    struct Key {
        std::array<uint8_t, 16> network{};  // in the IPv4-mapped form, host bits cleared
        int totalBits = 0;                  // the prefix counted over all 128 bits
        bool isV4 = false;

        bool operator==(const Key&) const = default;
        template <typename H>
        friend H AbslHashValue(H h, const Key& k) {
            return H::combine(std::move(h), k.network, k.totalBits, k.isV4);
        }
    };
    static Key keyOf(const IpAddress& address, bool isV4, int totalBits);

    absl::flat_hash_map<Key, int64_t> blocks_;
    std::vector<int> lengths_;  // distinct totalBits in use, longest first
};

}  // namespace rampart::limits
