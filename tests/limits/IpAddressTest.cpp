#include <gtest/gtest.h>

#include <set>
#include <stdexcept>
#include <string>

#include "limits/IpAddress.h"

namespace rampart::limits {
namespace {

IpAddress ip(std::string_view text) {
    auto parsed = IpAddress::parse(text);
    if (!parsed) throw std::runtime_error("test address does not parse: " + std::string(text));
    return *parsed;
}

Cidr cidr(std::string_view text) {
    auto parsed = Cidr::parse(text);
    if (!parsed) throw std::runtime_error("test CIDR does not parse: " + std::string(text));
    return *parsed;
}

TEST(IpAddress, parsesIpv4) {
    const auto a = ip("192.0.2.33");
    EXPECT_TRUE(a.isV4);
    EXPECT_EQ(a.toString(), "192.0.2.33");
    // Held in the IPv4-mapped form.
    EXPECT_EQ(a.bytes[10], 0xff);
    EXPECT_EQ(a.bytes[11], 0xff);
    EXPECT_EQ(a.bytes[12], 192);
    EXPECT_EQ(a.bytes[15], 33);
    EXPECT_EQ(ip("0.0.0.0").toString(), "0.0.0.0");
    EXPECT_EQ(ip("255.255.255.255").toString(), "255.255.255.255");
}

TEST(IpAddress, parsesIpv6) {
    const auto a = ip("2001:db8::1");
    EXPECT_FALSE(a.isV4);
    EXPECT_EQ(a.toString(), "2001:db8::1");
    EXPECT_EQ(a.bytes[0], 0x20);
    EXPECT_EQ(a.bytes[1], 0x01);
    EXPECT_EQ(a.bytes[15], 0x01);
    EXPECT_EQ(ip("::").toString(), "::");
    EXPECT_EQ(ip("::1").toString(), "::1");
    // Written differently, the same address.
    EXPECT_EQ(ip("2001:0DB8:0000:0000:0000:0000:0000:0001"), a);
    EXPECT_EQ(ip("ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff").toString(),
              "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff");
}

TEST(IpAddress, ipv4MappedIpv6IsTheIpv4Client) {
    const auto mapped = ip("::ffff:198.51.100.7");
    EXPECT_TRUE(mapped.isV4);
    EXPECT_EQ(mapped, ip("198.51.100.7"));
    EXPECT_EQ(mapped.toString(), "198.51.100.7");
    EXPECT_EQ(ip("::ffff:c633:6407"), ip("198.51.100.7"));
    // IPv4-compatible (deprecated) and NAT64 forms are not mapped addresses.
    EXPECT_FALSE(ip("::198.51.100.7").isV4);
    EXPECT_FALSE(ip("64:ff9b::198.51.100.7").isV4);
}

TEST(IpAddress, rejectsMalformedText) {
    for (std::string_view bad : {"",           "1.2.3", "256.1.1.1", "1.2.3.4.5",    "1.2.3.-4",
                                 "01.2.3.4x",  "::g",   "1::2::3",   "2001:db8:::1", "12345::",
                                 "1.2.3.4:80", "[::1]", "[::1]:443", " 1.2.3.4",     "1.2.3.4 ",
                                 "1.2. 3.4",   ":: 1",  "localhost", "1.2.3.4/32",   "abc",
                                 "-"}) {
        EXPECT_FALSE(IpAddress::parse(bad).has_value()) << "\"" << bad << "\"";
    }
    const std::string overlong = "1:2:3:4:5:6:7:8" + std::string(40, '0');
    EXPECT_FALSE(IpAddress::parse(overlong).has_value());
    EXPECT_FALSE(IpAddress::parse(std::string(1000, '1')).has_value());
    EXPECT_FALSE(IpAddress::parse("0000:0000:0000:0000:0000:0000:0000:0000:0").has_value());
}

TEST(IpAddress, rejectsEmbeddedNul) {
    // A header value is length-delimited; nothing after a NUL may be silently ignored.
    EXPECT_FALSE(IpAddress::parse(std::string_view("1.2.3.4\0junk", 12)).has_value());
    EXPECT_FALSE(IpAddress::parse(std::string_view("::1\0", 4)).has_value());
}

TEST(IpAddress, longestValidTextParses) {
    // 45 characters: INET6_ADDRSTRLEN - 1, the longest textual IPv6 address.
    const std::string longest = "ffff:ffff:ffff:ffff:ffff:ffff:255.255.255.255";
    ASSERT_EQ(longest.size(), 45u);
    EXPECT_TRUE(IpAddress::parse(longest).has_value());
}

TEST(Cidr, parsesAndNormalisesHostBits) {
    const auto block = cidr("10.1.2.3/8");
    EXPECT_EQ(block.prefixBits, 8);
    EXPECT_EQ(block.toString(), "10.0.0.0/8");
    EXPECT_EQ(cidr("192.0.2.200/25").toString(), "192.0.2.128/25");
    EXPECT_EQ(cidr("2001:db8:1234:5678::1/32").toString(), "2001:db8::/32");
    EXPECT_EQ(cidr("2001:db8:ffff::/33").toString(), "2001:db8:8000::/33");
    // A bare address is a single-host block.
    EXPECT_EQ(cidr("192.0.2.1").toString(), "192.0.2.1/32");
    EXPECT_EQ(cidr("2001:db8::1").toString(), "2001:db8::1/128");
    // Prefix lengths of a mapped address count in IPv4 bits.
    EXPECT_EQ(cidr("::ffff:10.9.8.7/16").toString(), "10.9.0.0/16");
}

TEST(Cidr, rejectsBadPrefixes) {
    for (std::string_view bad :
         {"10.0.0.0/33", "10.0.0.0/-1", "10.0.0.0/abc", "10.0.0.0/", "10.0.0.0/8/8", "10.0.0.0/ 8",
          "10.0.0.0/8 ", "10.0.0.0/+8", "10.0.0.0/8x", "::/129", "::/-1", "::/1000000000000", "/8",
          "10.0.0/8", "::g/64", "", "/"}) {
        EXPECT_FALSE(Cidr::parse(bad).has_value()) << "\"" << bad << "\"";
    }
}

TEST(Cidr, containsIpv4) {
    const auto block = cidr("10.0.0.0/8");
    EXPECT_TRUE(block.contains(ip("10.0.0.0")));
    EXPECT_TRUE(block.contains(ip("10.255.255.255")));
    EXPECT_FALSE(block.contains(ip("11.0.0.0")));
    EXPECT_FALSE(block.contains(ip("9.255.255.255")));
    const auto odd = cidr("192.0.2.128/25");
    EXPECT_TRUE(odd.contains(ip("192.0.2.128")));
    EXPECT_TRUE(odd.contains(ip("192.0.2.255")));
    EXPECT_FALSE(odd.contains(ip("192.0.2.127")));
    const auto host = cidr("192.0.2.1/32");
    EXPECT_TRUE(host.contains(ip("192.0.2.1")));
    EXPECT_FALSE(host.contains(ip("192.0.2.2")));
    // An IPv4-mapped client is matched by IPv4 blocks.
    EXPECT_TRUE(block.contains(ip("::ffff:10.1.1.1")));
}

TEST(Cidr, containsIpv6) {
    const auto block = cidr("2001:db8::/32");
    EXPECT_TRUE(block.contains(ip("2001:db8::1")));
    EXPECT_TRUE(block.contains(ip("2001:db8:ffff:ffff:ffff:ffff:ffff:ffff")));
    EXPECT_FALSE(block.contains(ip("2001:db9::")));
    const auto odd = cidr("2001:db8:8000::/33");
    EXPECT_TRUE(odd.contains(ip("2001:db8:8000::1")));
    EXPECT_FALSE(odd.contains(ip("2001:db8:7fff::1")));
    const auto host = cidr("2001:db8::1/128");
    EXPECT_TRUE(host.contains(ip("2001:db8::1")));
    EXPECT_FALSE(host.contains(ip("2001:db8::2")));
}

TEST(Cidr, zeroPrefixMatchesItsWholeFamilyOnly) {
    const auto allV4 = cidr("0.0.0.0/0");
    EXPECT_TRUE(allV4.contains(ip("1.2.3.4")));
    EXPECT_TRUE(allV4.contains(ip("255.255.255.255")));
    EXPECT_FALSE(allV4.contains(ip("2001:db8::1")));
    EXPECT_FALSE(allV4.contains(ip("::")));
    const auto allV6 = cidr("::/0");
    EXPECT_TRUE(allV6.contains(ip("2001:db8::1")));
    EXPECT_TRUE(allV6.contains(ip("::1")));
    EXPECT_FALSE(allV6.contains(ip("1.2.3.4")));
}

TEST(Cidr, neverMatchesAcrossFamilies) {
    // ::a00:1 ends in the same bytes as 10.0.0.1 and ::/96 covers them, but they are IPv6.
    EXPECT_FALSE(cidr("10.0.0.0/8").contains(ip("::a00:1")));
    EXPECT_FALSE(cidr("::/96").contains(ip("10.0.0.1")));
    EXPECT_FALSE(cidr("::/8").contains(ip("0.0.0.1")));
}

TEST(CidrList, containsAnyBlock) {
    const CidrList list({cidr("10.0.0.0/8"), cidr("2001:db8::/32")});
    EXPECT_TRUE(list.contains(ip("10.2.3.4")));
    EXPECT_TRUE(list.contains(ip("2001:db8::5")));
    EXPECT_FALSE(list.contains(ip("192.0.2.1")));
    EXPECT_FALSE(CidrList().contains(ip("10.2.3.4")));
    EXPECT_TRUE(CidrList().empty());
}

TEST(ClientKey, ipv6ClientsInOneSlash64ShareAKey) {
    const auto a = clientKey(ip("2001:db8:1:2:aaaa::1"), 64);
    EXPECT_EQ(a, clientKey(ip("2001:db8:1:2:ffff:ffff:ffff:ffff"), 64));
    EXPECT_EQ(a, clientKey(ip("2001:db8:1:2::"), 64));
    EXPECT_NE(a, clientKey(ip("2001:db8:1:3:aaaa::1"), 64));
    EXPECT_NE(a, clientKey(ip("2001:db8:2:2:aaaa::1"), 64));
}

TEST(ClientKey, shorterPrefixGroupsMore) {
    const auto x = ip("2001:db8:1:2::1");
    const auto y = ip("2001:db8:1:3::1");  // same /48, another /64
    const auto z = ip("2001:db8:2:2::1");  // another /48
    EXPECT_NE(clientKey(x, 64), clientKey(y, 64));
    EXPECT_EQ(clientKey(x, 48), clientKey(y, 48));
    EXPECT_NE(clientKey(x, 48), clientKey(z, 48));
    // At /128 every address is its own client.
    EXPECT_NE(clientKey(ip("2001:db8::1"), 128), clientKey(ip("2001:db8::2"), 128));
}

TEST(ClientKey, ipv4KeysDifferPerAddressAndIgnoreTheIpv6Prefix) {
    EXPECT_NE(clientKey(ip("192.0.2.1"), 64), clientKey(ip("192.0.2.2"), 64));
    EXPECT_NE(clientKey(ip("192.0.2.1"), 64), clientKey(ip("193.0.2.1"), 64));
    EXPECT_EQ(clientKey(ip("192.0.2.1"), 64), clientKey(ip("192.0.2.1"), 16));
    EXPECT_EQ(clientKey(ip("192.0.2.1"), 64), clientKey(ip("::ffff:192.0.2.1"), 64));
    // An IPv6 /64 of zeros is not an IPv4 address.
    EXPECT_NE(clientKey(ip("::"), 64), clientKey(ip("0.0.0.0"), 64));
}

TEST(ClientKey, isNeverZeroAndSpreads) {
    std::set<uint64_t> keys;
    for (int a = 0; a < 256; ++a) {
        for (int b = 0; b < 40; ++b) {
            const auto v4 =
                clientKey(ip("10.0." + std::to_string(b) + "." + std::to_string(a)), 64);
            ASSERT_NE(v4, 0u);
            keys.insert(v4);
        }
        const auto v6 = clientKey(ip("2001:db8:" + std::to_string(a) + "::1"), 64);
        ASSERT_NE(v6, 0u);
        keys.insert(v6);
    }
    EXPECT_NE(clientKey(ip("0.0.0.0"), 64), 0u);
    EXPECT_NE(clientKey(ip("::"), 0), 0u);
    EXPECT_EQ(keys.size(), 256u * 40 + 256);
}

// The forms gateways send a client address in; everything else is refused, never read as "no
// address" (which used to let a blocked client through unlimited).
TEST(ClientAddress, acceptsTheFormsGatewaysSend) {
    EXPECT_EQ(parseClientAddress("1.2.3.4"), ip("1.2.3.4"));
    EXPECT_EQ(parseClientAddress("1.2.3.4:80"), ip("1.2.3.4"));
    EXPECT_EQ(parseClientAddress(" 1.2.3.4"), ip("1.2.3.4"));
    EXPECT_EQ(parseClientAddress("1.2.3.4\t "), ip("1.2.3.4"));
    EXPECT_EQ(parseClientAddress("2001:db8::1"), ip("2001:db8::1"));
    EXPECT_EQ(parseClientAddress("[2001:db8::1]"), ip("2001:db8::1"));
    EXPECT_EQ(parseClientAddress("[2001:db8::1]:443"), ip("2001:db8::1"));
    EXPECT_EQ(parseClientAddress("::ffff:1.2.3.4"), ip("1.2.3.4"));
    EXPECT_EQ(parseClientAddress("[::ffff:1.2.3.4]:65535"), ip("1.2.3.4"));
}

TEST(ClientAddress, refusesEverythingElse) {
    for (const char* text : {"",
                             " ",
                             "[1.2.3.4]",
                             "[1.2.3.4]:80",
                             "1.2.3.4:",
                             "1.2.3.4:65536",
                             "1.2.3.4:-1",
                             "1.2.3.4:80:80",
                             "1.2.3.4: 80",
                             "1.2.3.4:0x50",
                             "[2001:db8::1",
                             "[2001:db8::1]x",
                             "[2001:db8::1]:",
                             "[2001:db8::1]:99999",
                             "2001:db8::1:99999",
                             "fe80::1%eth0",
                             "1.2.3.4 5.6.7.8",
                             "1.2.3",
                             "localhost",
                             "1.2.3.4/32",
                             "\xe2\x94\x80"}) {
        EXPECT_FALSE(parseClientAddress(text)) << '"' << text << '"';
    }
}

}  // namespace
}  // namespace rampart::limits
