#include "jwt/Base64Url.h"

#include <array>

namespace rampart::jwt {
namespace {

constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
constexpr uint8_t kInvalid = 0xff;

constexpr std::array<uint8_t, 256> makeDecodeTable() {
    std::array<uint8_t, 256> table{};
    table.fill(kInvalid);
    for (uint8_t i = 0; i < 64; ++i) table[static_cast<uint8_t>(kAlphabet[i])] = i;
    return table;
}
constexpr auto kDecode = makeDecodeTable();

}  // namespace

std::optional<size_t> base64UrlDecodedSize(std::string_view encoded) {
    const size_t tail = encoded.size() % 4;
    if (tail == 1) return std::nullopt;  // one leftover character cannot carry a whole byte
    return encoded.size() / 4 * 3 + (tail == 0 ? 0 : tail - 1);
}

std::optional<size_t> base64UrlDecode(std::string_view encoded, std::span<uint8_t> out) {
    const auto size = base64UrlDecodedSize(encoded);
    if (!size || out.size() < *size) return std::nullopt;

    const auto* in = reinterpret_cast<const uint8_t*>(encoded.data());
    size_t i = 0;
    size_t o = 0;
    const size_t whole = encoded.size() / 4 * 4;
    for (; i < whole; i += 4) {
        const uint32_t a = kDecode[in[i]], b = kDecode[in[i + 1]], c = kDecode[in[i + 2]],
                       d = kDecode[in[i + 3]];
        if ((a | b | c | d) & 0xc0) return std::nullopt;  // kInvalid has these bits set
        const uint32_t v = a << 18 | b << 12 | c << 6 | d;
        out[o++] = static_cast<uint8_t>(v >> 16);
        out[o++] = static_cast<uint8_t>(v >> 8);
        out[o++] = static_cast<uint8_t>(v);
    }
    const size_t tail = encoded.size() - whole;
    if (tail == 2) {
        const uint32_t a = kDecode[in[i]], b = kDecode[in[i + 1]];
        if ((a | b) & 0xc0) return std::nullopt;
        if (b & 0x0f) return std::nullopt;  // non-canonical: unused bits set
        out[o++] = static_cast<uint8_t>(a << 2 | b >> 4);
    } else if (tail == 3) {
        const uint32_t a = kDecode[in[i]], b = kDecode[in[i + 1]], c = kDecode[in[i + 2]];
        if ((a | b | c) & 0xc0) return std::nullopt;
        if (c & 0x03) return std::nullopt;  // non-canonical: unused bits set
        const uint32_t v = a << 10 | b << 4 | c >> 2;
        out[o++] = static_cast<uint8_t>(v >> 8);
        out[o++] = static_cast<uint8_t>(v);
    }
    return o;
}

std::optional<std::string> base64UrlDecode(std::string_view encoded) {
    const auto size = base64UrlDecodedSize(encoded);
    if (!size) return std::nullopt;
    std::string out(*size, '\0');
    auto written = base64UrlDecode(
        encoded, std::span<uint8_t>(reinterpret_cast<uint8_t*>(out.data()), out.size()));
    if (!written) return std::nullopt;
    return out;
}

std::string base64UrlEncode(std::span<const uint8_t> bytes) {
    std::string out;
    out.reserve((bytes.size() * 4 + 2) / 3);
    size_t i = 0;
    for (; i + 3 <= bytes.size(); i += 3) {
        const uint32_t v = bytes[i] << 16 | bytes[i + 1] << 8 | bytes[i + 2];
        out += kAlphabet[v >> 18 & 63];
        out += kAlphabet[v >> 12 & 63];
        out += kAlphabet[v >> 6 & 63];
        out += kAlphabet[v & 63];
    }
    if (bytes.size() - i == 1) {
        const uint32_t v = bytes[i] << 16;
        out += kAlphabet[v >> 18 & 63];
        out += kAlphabet[v >> 12 & 63];
    } else if (bytes.size() - i == 2) {
        const uint32_t v = bytes[i] << 16 | bytes[i + 1] << 8;
        out += kAlphabet[v >> 18 & 63];
        out += kAlphabet[v >> 12 & 63];
        out += kAlphabet[v >> 6 & 63];
    }
    return out;
}

std::string base64UrlEncode(std::string_view bytes) {
    return base64UrlEncode(
        std::span<const uint8_t>(reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size()));
}

}  // namespace rampart::jwt
