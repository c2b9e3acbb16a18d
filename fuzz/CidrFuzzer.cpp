// IP address and CIDR parsing (limits::IpAddress, limits::Cidr) as every list of them is read:
// trusted proxies and block/allow lists in the config, operator blocks, the state file.
// Checks the round trip too: what a parsed value prints parses back to the same value, since
// the state file and the audit log store the printed form.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "limits/IpAddress.h"

namespace {

using rampart::limits::Cidr;
using rampart::limits::IpAddress;

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    const std::string_view text(reinterpret_cast<const char*>(data), size);

    if (const auto address = IpAddress::parse(text)) {
        const auto again = IpAddress::parse(address->toString());
        if (!again || !(*again == *address)) __builtin_trap();
        (void)rampart::limits::clientKey(*address, 64);
        (void)rampart::limits::clientKey(*address, static_cast<int>(size % 129));
    }

    if (const auto cidr = Cidr::parse(text)) {
        const auto again = Cidr::parse(cidr->toString());
        if (!again || !(again->network == cidr->network) || again->prefixBits != cidr->prefixBits) {
            __builtin_trap();
        }
        // A block contains its own network address.
        if (!cidr->contains(cidr->network)) __builtin_trap();
    }

    // The whole input as a comma-separated list, as a config or an operator might write one.
    std::vector<Cidr> blocks;
    size_t start = 0;
    while (start <= text.size()) {
        const size_t comma = std::min(text.find(',', start), text.size());
        if (auto cidr = Cidr::parse(text.substr(start, comma - start))) blocks.push_back(*cidr);
        start = comma + 1;
    }
    const rampart::limits::CidrList list(std::move(blocks));
    if (const auto probe = IpAddress::parse("203.0.113.7")) (void)list.contains(*probe);
    if (const auto probe = IpAddress::parse("2001:db8::7")) (void)list.contains(*probe);
    return 0;
}
