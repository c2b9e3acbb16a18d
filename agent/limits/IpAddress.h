#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace rampart::limits {

// An IPv4 or IPv6 address as 16 bytes; IPv4 is held in its IPv4-mapped IPv6 form
// (::ffff:a.b.c.d, RFC 4291 §2.5.5.2) so one comparison covers both families.
struct IpAddress {
    std::array<uint8_t, 16> bytes{};
    bool isV4 = false;

    static std::optional<IpAddress> parse(std::string_view text);
    std::string toString() const;
    bool operator==(const IpAddress&) const = default;
};

// A client address as gateways send it: `1.2.3.4`, `2001:db8::1`, with a port (`1.2.3.4:80`,
// `[2001:db8::1]:443`), in brackets (`[2001:db8::1]`), with spaces or tabs around it. Anything
// else is not an address, and callers refuse it rather than let the request pass unlimited.
std::optional<IpAddress> parseClientAddress(std::string_view text);

// A CIDR block such as 203.0.113.0/24 or 2001:db8::/32 (a bare address is a /32 or /128).
struct Cidr {
    IpAddress network;
    int prefixBits = 0;  // in the address's own family: 0–32 for IPv4, 0–128 for IPv6

    static std::optional<Cidr> parse(std::string_view text);
    bool contains(const IpAddress& address) const;
    std::string toString() const;
};

// A list of CIDR blocks; bounded in size by its owner's configuration.
class CidrList {
public:
    CidrList() = default;
    explicit CidrList(std::vector<Cidr> blocks) : blocks_(std::move(blocks)) {}
    bool contains(const IpAddress& address) const;
    bool empty() const { return blocks_.empty(); }
    const std::vector<Cidr>& blocks() const { return blocks_; }

private:
    std::vector<Cidr> blocks_;
};

// The key a client is rate limited under: the whole IPv4 address, or the IPv6 address cut to
// `ipv6PrefixBits` (one /64 is one subscriber line, RFC 6177), hashed and never zero.
uint64_t clientKey(const IpAddress& address, int ipv6PrefixBits);

}  // namespace rampart::limits
