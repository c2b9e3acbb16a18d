#include "jwt/Base64Url.h"

#include <gtest/gtest.h>

namespace rampart::jwt {
namespace {

TEST(Base64Url, roundTripsEveryLength) {
    std::string bytes;
    for (int i = 0; i < 40; ++i) {
        auto decoded = base64UrlDecode(base64UrlEncode(bytes));
        ASSERT_TRUE(decoded.has_value()) << i;
        EXPECT_EQ(*decoded, bytes);
        bytes.push_back(static_cast<char>(i * 37 + 250));
    }
}

TEST(Base64Url, decodesKnownVector) {
    // RFC 7515 Appendix A.1 header.
    EXPECT_EQ(base64UrlDecode("eyJ0eXAiOiJKV1QiLA0KICJhbGciOiJIUzI1NiJ9").value(),
              "{\"typ\":\"JWT\",\r\n \"alg\":\"HS256\"}");
}

TEST(Base64Url, rejectsPadding) { EXPECT_FALSE(base64UrlDecode("YQ==").has_value()); }

TEST(Base64Url, rejectsStandardAlphabet) {
    EXPECT_FALSE(base64UrlDecode("a+b/").has_value());
    EXPECT_TRUE(base64UrlDecode("a-b_").has_value());
}

TEST(Base64Url, rejectsWhitespace) { EXPECT_FALSE(base64UrlDecode("YWJj ZGVm").has_value()); }

TEST(Base64Url, rejectsImpossibleLength) { EXPECT_FALSE(base64UrlDecode("YWJjZ").has_value()); }

TEST(Base64Url, rejectsNonCanonicalTrailingBits) {
    EXPECT_EQ(base64UrlDecode("YQ").value(), "a");
    EXPECT_FALSE(base64UrlDecode("YR").has_value());   // same byte, stray low bits
    EXPECT_EQ(base64UrlDecode("YWI").value(), "ab");
    EXPECT_FALSE(base64UrlDecode("YWJ").has_value());
}

TEST(Base64Url, rejectsNulAndHighBytes) {
    EXPECT_FALSE(base64UrlDecode(std::string_view("YW\0j", 4)).has_value());
    EXPECT_FALSE(base64UrlDecode("YW\xc3\xa9").has_value());
}

}  // namespace
}  // namespace rampart::jwt
