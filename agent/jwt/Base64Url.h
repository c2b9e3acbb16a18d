#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace rampart::jwt {

// Strict base64url (RFC 4648 §5) as JWS requires (RFC 7515 §2): no padding, no whitespace, no
// characters outside the URL-safe alphabet, and the unused low bits of the last character must be
// zero, so every byte string has exactly one accepted encoding.

// Number of bytes `encoded` decodes to, or nullopt if the length is impossible.
std::optional<size_t> base64UrlDecodedSize(std::string_view encoded);

// Decodes into `out` (at least base64UrlDecodedSize bytes). Returns the number of bytes written,
// or nullopt on any malformed input.
std::optional<size_t> base64UrlDecode(std::string_view encoded, std::span<uint8_t> out);

// Convenience form for code off the hot path.
std::optional<std::string> base64UrlDecode(std::string_view encoded);

std::string base64UrlEncode(std::span<const uint8_t> bytes);
std::string base64UrlEncode(std::string_view bytes);

}  // namespace rampart::jwt
