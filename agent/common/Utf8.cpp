#include "common/Utf8.h"

#include <algorithm>

namespace rampart::common {
namespace {

constexpr std::string_view kReplacement = "\xEF\xBF\xBD";  // U+FFFD

// Length of the well-formed sequence at the start of `text` (Unicode Table 3-7), or 0 when it is
// ill-formed; `consumed` then says how many bytes make up its maximal ill-formed subpart (≥ 1).
size_t wellFormedLength(std::string_view text, size_t& consumed) {
    const auto byte = [&](size_t i) { return static_cast<unsigned char>(text[i]); };
    const unsigned char lead = byte(0);
    consumed = 1;
    if (lead < 0x80) return 1;
    size_t length = 0;
    unsigned char low = 0x80, high = 0xBF;  // the range of the second byte
    if (lead >= 0xC2 && lead <= 0xDF) {
        length = 2;
    } else if (lead >= 0xE0 && lead <= 0xEF) {
        length = 3;
        if (lead == 0xE0) low = 0xA0;   // overlong below U+0800
        if (lead == 0xED) high = 0x9F;  // surrogates U+D800..U+DFFF
    } else if (lead >= 0xF0 && lead <= 0xF4) {
        length = 4;
        if (lead == 0xF0) low = 0x90;   // overlong below U+10000
        if (lead == 0xF4) high = 0x8F;  // above U+10FFFF
    } else {
        return 0;  // a continuation byte, C0/C1 (overlong) or F5..FF
    }
    for (size_t i = 1; i < length; ++i) {
        if (i >= text.size()) return 0;  // cut short
        const unsigned char b = byte(i);
        const bool ok = i == 1 ? (b >= low && b <= high) : (b >= 0x80 && b <= 0xBF);
        if (!ok) return 0;
        consumed = i + 1;
    }
    return length;
}

}  // namespace

std::string toValidUtf8(std::string_view text, size_t maxBytes) {
    std::string out;
    out.reserve(std::min(text.size(), maxBytes));
    size_t i = 0;
    while (i < text.size()) {
        size_t consumed = 0;
        const size_t length = wellFormedLength(text.substr(i), consumed);
        const std::string_view piece = length ? text.substr(i, length) : kReplacement;
        if (out.size() + piece.size() > maxBytes) break;
        out.append(piece);
        i += length ? length : consumed;
    }
    return out;
}

bool isValidUtf8(std::string_view text) {
    for (size_t i = 0; i < text.size();) {
        size_t consumed = 0;
        const size_t length = wellFormedLength(text.substr(i), consumed);
        if (length == 0) return false;
        i += length;
    }
    return true;
}

}  // namespace rampart::common
