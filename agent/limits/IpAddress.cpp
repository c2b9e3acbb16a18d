#include "limits/IpAddress.h"

#include <arpa/inet.h>

#include <algorithm>
#include <charconv>
#include <cstring>

#include "limits/KeyHash.h"

namespace rampart::limits {

std::optional<IpAddress> IpAddress::parse(std::string_view text) {
    // inet_pton stops at a NUL, and "1.2.3.4\0junk" is not 1.2.3.4: the text must parse whole.
    if (text.empty() || text.size() >= INET6_ADDRSTRLEN ||
        text.find('\0') != std::string_view::npos) {
        return std::nullopt;
    }
    char buffer[INET6_ADDRSTRLEN] = {};
    std::memcpy(buffer, text.data(), text.size());
    IpAddress address;
    in_addr v4{};
    if (inet_pton(AF_INET, buffer, &v4) == 1) {
        address.isV4 = true;
        address.bytes[10] = 0xff;
        address.bytes[11] = 0xff;
        std::memcpy(address.bytes.data() + 12, &v4, 4);
        return address;
    }
    if (inet_pton(AF_INET6, buffer, address.bytes.data()) == 1) {
        // An IPv4-mapped IPv6 address is the IPv4 client it maps.
        static constexpr uint8_t kMapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
        address.isV4 = std::memcmp(address.bytes.data(), kMapped, 12) == 0;
        return address;
    }
    return std::nullopt;
}

namespace {

bool isPort(std::string_view digits) {
    unsigned port = 0;
    const auto [end, error] = std::from_chars(digits.data(), digits.data() + digits.size(), port);
    return error == std::errc() && end == digits.data() + digits.size() && port <= 65535 &&
           !digits.empty() && digits.size() <= 5;
}

}  // namespace

std::optional<IpAddress> parseClientAddress(std::string_view text) {
    // Optional whitespace, as between the entries of X-Forwarded-For (RFC 9110 §5.6.3).
    while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
    while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
    if (text.starts_with('[')) {
        // [IPv6] or [IPv6]:port (RFC 3986 §3.2.2); an IPv4 address in brackets is not a form.
        const size_t close = text.find(']');
        if (close == std::string_view::npos) return std::nullopt;
        const auto rest = text.substr(close + 1);
        if (!rest.empty() && !(rest.front() == ':' && isPort(rest.substr(1)))) return std::nullopt;
        auto address = IpAddress::parse(text.substr(1, close - 1));
        if (!address || text.substr(1, close - 1).find(':') == std::string_view::npos) {
            return std::nullopt;
        }
        return address;
    }
    // One colon: IPv4 with a port. More: a bare IPv6 address, whose last group is no port.
    const size_t colon = text.find(':');
    if (colon != std::string_view::npos && text.find(':', colon + 1) == std::string_view::npos) {
        if (!isPort(text.substr(colon + 1))) return std::nullopt;
        auto address = IpAddress::parse(text.substr(0, colon));
        if (!address || !address->isV4) return std::nullopt;
        return address;
    }
    return IpAddress::parse(text);
}

std::string IpAddress::toString() const {
    char buffer[INET6_ADDRSTRLEN] = {};
    if (isV4) {
        inet_ntop(AF_INET, bytes.data() + 12, buffer, sizeof buffer);
    } else {
        inet_ntop(AF_INET6, bytes.data(), buffer, sizeof buffer);
    }
    return buffer;
}

std::optional<Cidr> Cidr::parse(std::string_view text) {
    const size_t slash = text.find('/');
    auto address = IpAddress::parse(text.substr(0, slash));
    if (!address) return std::nullopt;
    const int maxBits = address->isV4 ? 32 : 128;
    int bits = maxBits;
    if (slash != std::string_view::npos) {
        const auto digits = text.substr(slash + 1);
        auto [end, error] = std::from_chars(digits.data(), digits.data() + digits.size(), bits);
        if (error != std::errc() || end != digits.data() + digits.size() || bits < 0 ||
            bits > maxBits) {
            return std::nullopt;
        }
    }
    Cidr cidr{*address, bits};
    // Normalise: host bits cleared, so 10.1.2.3/8 means 10.0.0.0/8.
    const int total = bits + (address->isV4 ? 96 : 0);
    for (int i = 0; i < 16; ++i) {
        const int keep = std::clamp(total - i * 8, 0, 8);
        cidr.network.bytes[i] &= static_cast<uint8_t>(0xff00 >> keep);
    }
    return cidr;
}

bool Cidr::contains(const IpAddress& address) const {
    if (address.isV4 != network.isV4) return false;
    const int total = prefixBits + (network.isV4 ? 96 : 0);
    const int whole = total / 8;
    if (std::memcmp(address.bytes.data(), network.bytes.data(), whole) != 0) return false;
    const int rest = total % 8;
    if (rest == 0) return true;
    const auto mask = static_cast<uint8_t>(0xff00 >> rest);
    return (address.bytes[whole] & mask) == network.bytes[whole];
}

std::string Cidr::toString() const { return network.toString() + "/" + std::to_string(prefixBits); }

bool CidrList::contains(const IpAddress& address) const {
    for (const auto& block : blocks_) {
        if (block.contains(address)) return true;
    }
    return false;
}

uint64_t clientKey(const IpAddress& address, int ipv6PrefixBits) {
    uint64_t high = 0, low = 0;
    std::memcpy(&high, address.bytes.data(), 8);
    std::memcpy(&low, address.bytes.data() + 8, 8);
    if (!address.isV4) {
        // Keep the first ipv6PrefixBits bits (in network order) and drop the rest.
        std::array<uint8_t, 16> cut = address.bytes;
        for (int i = 0; i < 16; ++i) {
            const int keep = std::clamp(ipv6PrefixBits - i * 8, 0, 8);
            cut[i] &= static_cast<uint8_t>(0xff00 >> keep);
        }
        std::memcpy(&high, cut.data(), 8);
        std::memcpy(&low, cut.data() + 8, 8);
    }
    return mixKey(high ^ mixKey(low ^ 0x6970));  // "ip" domain, apart from subject keys
}

}  // namespace rampart::limits
