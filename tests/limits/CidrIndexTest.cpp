// Operator client blocks indexed by prefix: the same answers as a scan of every block.
#include <gtest/gtest.h>

#include <random>
#include <vector>

#include "limits/CidrIndex.h"

namespace rampart::limits {
namespace {

Cidr cidr(std::string_view text) { return *Cidr::parse(text); }
IpAddress ip(std::string_view text) { return *IpAddress::parse(text); }

TEST(CidrIndex, findsTheBlockThatHoldsAnAddressWhileItLasts) {
    CidrIndex index;
    index.add(cidr("203.0.113.0/24"), 100);
    index.add(cidr("2001:db8::/32"), 100);
    index.add(cidr("198.51.100.7"), 50);
    EXPECT_TRUE(index.containsActive(ip("203.0.113.77"), 99));
    EXPECT_FALSE(index.containsActive(ip("203.0.113.77"), 100));  // expired
    EXPECT_FALSE(index.containsActive(ip("203.0.114.1"), 0));
    EXPECT_TRUE(index.containsActive(ip("2001:db8:1::5"), 0));
    EXPECT_TRUE(index.containsActive(ip("198.51.100.7"), 49));
    EXPECT_FALSE(index.containsActive(ip("198.51.100.8"), 0));
}

TEST(CidrIndex, neverMatchesAcrossFamiliesAndZeroPrefixHoldsOneFamily) {
    CidrIndex index;
    index.add(cidr("0.0.0.0/0"), 100);
    EXPECT_TRUE(index.containsActive(ip("8.8.8.8"), 0));
    EXPECT_FALSE(index.containsActive(ip("2001:db8::1"), 0));
    CidrIndex v6;
    v6.add(cidr("::/0"), 100);
    EXPECT_TRUE(v6.containsActive(ip("2001:db8::1"), 0));
    EXPECT_FALSE(v6.containsActive(ip("8.8.8.8"), 0));
}

TEST(CidrIndex, blockAddedTwiceKeepsTheLaterExpiry) {
    CidrIndex index;
    index.add(cidr("10.0.0.0/8"), 100);
    index.add(cidr("10.1.2.3/8"), 50);  // the same block, host bits aside
    EXPECT_EQ(index.size(), 1u);
    EXPECT_TRUE(index.containsActive(ip("10.9.9.9"), 99));
}

// Random blocks of every length in both families against Cidr::contains, the reference.
TEST(CidrIndex, agreesWithAScanOverRandomBlocksAndAddresses) {
    std::mt19937_64 random(20261124);
    const auto randomAddress = [&](bool v4) {
        IpAddress a;
        a.isV4 = v4;
        for (auto& byte : a.bytes) byte = static_cast<uint8_t>(random());
        if (v4) {
            std::fill(a.bytes.begin(), a.bytes.begin() + 10, 0);
            a.bytes[10] = a.bytes[11] = 0xff;
        }
        return a;
    };
    std::vector<std::pair<Cidr, int64_t>> blocks;
    CidrIndex index;
    for (int i = 0; i < 2000; ++i) {
        const bool v4 = i % 2;
        // Short prefixes only rarely, or every address would match.
        const int bits = static_cast<int>(random() % (v4 ? 33 : 129));
        if (bits < (v4 ? 12 : 40) && random() % 8) continue;
        auto block = Cidr::parse(randomAddress(v4).toString() + "/" + std::to_string(bits));
        ASSERT_TRUE(block);
        const int64_t expiry = static_cast<int64_t>(random() % 100);
        blocks.emplace_back(*block, expiry);
        index.add(*block, expiry);
    }
    for (int i = 0; i < 20000; ++i) {
        // Half the probes inside a known block, so both answers are exercised.
        IpAddress probe = randomAddress(i % 2);
        if (i % 4 < 2) {
            const auto& [block, expiry] = blocks[random() % blocks.size()];
            probe = block.network;
        }
        const int64_t now = static_cast<int64_t>(random() % 100);
        bool expected = false;
        for (const auto& [block, expiry] : blocks)
            expected |= now < expiry && block.contains(probe);
        EXPECT_EQ(index.containsActive(probe, now), expected) << probe.toString() << " at " << now;
    }
}

}  // namespace
}  // namespace rampart::limits
