#include "limits/CidrIndex.h"

#include <algorithm>
#include <functional>

namespace rampart::limits {

CidrIndex::Key CidrIndex::keyOf(const IpAddress& address, bool isV4, int totalBits) {
    Key key;
    key.isV4 = isV4;
    key.totalBits = totalBits;
    for (int i = 0; i < 16; ++i) {
        const int keep = std::clamp(totalBits - i * 8, 0, 8);
        key.network[i] = address.bytes[i] & static_cast<uint8_t>(0xff00 >> keep);
    }
    return key;
}

void CidrIndex::add(const Cidr& block, int64_t expiresAt) {
    const int totalBits = block.prefixBits + (block.network.isV4 ? 96 : 0);
    auto [it, inserted] =
        blocks_.try_emplace(keyOf(block.network, block.network.isV4, totalBits), expiresAt);
    if (!inserted) it->second = std::max(it->second, expiresAt);
    if (std::find(lengths_.begin(), lengths_.end(), totalBits) == lengths_.end()) {
        lengths_.push_back(totalBits);
        std::sort(lengths_.begin(), lengths_.end(), std::greater<>());
    }
}

bool CidrIndex::containsActive(const IpAddress& address, int64_t now) const {
    for (const int totalBits : lengths_) {
        // The family is part of the key: an IPv4 block holds only IPv4 addresses and an IPv6
        // block only IPv6 ones, as in Cidr::contains.
        const auto it = blocks_.find(keyOf(address, address.isV4, totalBits));
        if (it != blocks_.end() && now < it->second) return true;
    }
    return false;
}

}  // namespace rampart::limits
