#pragma once

#include <cstddef>
#include <limits>
#include <string>
#include <string_view>

namespace rampart::common {

// proto3 `string` fields must hold valid UTF-8: gRPC C++ refuses to parse a message that does
// not, so one odd byte from a hook, a client or a file would break every control client that
// reads it. Everything the agent puts into a proto from runtime text goes through here.

// `text` as valid UTF-8 of at most `maxBytes` bytes: each maximal ill-formed subsequence
// (Unicode §3.9, "U+FFFD substitution of maximal subparts") becomes one U+FFFD, and the result is
// cut on a character boundary. Overlongs, surrogates (U+D800..U+DFFF) and values above U+10FFFF
// are ill-formed (RFC 3629 §3).
std::string toValidUtf8(std::string_view text,
                        size_t maxBytes = std::numeric_limits<size_t>::max());

bool isValidUtf8(std::string_view text);

}  // namespace rampart::common
