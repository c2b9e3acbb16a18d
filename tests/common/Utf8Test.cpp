#include "common/Utf8.h"

#include <gtest/gtest.h>

namespace rampart::common {
namespace {

const std::string kFffd = "\xEF\xBF\xBD";

TEST(Utf8, keepsValidTextAsIs) {
    const std::string text = "plain ascii, é, ─ box, 😀 emoji";
    EXPECT_TRUE(isValidUtf8(text));
    EXPECT_EQ(toValidUtf8(text), text);
    EXPECT_EQ(toValidUtf8(""), "");
}

TEST(Utf8, cutsOnCharacterBoundaries) {
    // "a" + é (2 bytes) + ─ (3 bytes) + 😀 (4 bytes): 10 bytes.
    const std::string text = "a\xC3\xA9\xE2\x94\x80\xF0\x9F\x98\x80";
    EXPECT_EQ(toValidUtf8(text, 10), text);
    EXPECT_EQ(toValidUtf8(text, 9), "a\xC3\xA9\xE2\x94\x80");      // inside the 4-byte one
    EXPECT_EQ(toValidUtf8(text, 7), "a\xC3\xA9\xE2\x94\x80");
    EXPECT_EQ(toValidUtf8(text, 5), "a\xC3\xA9");                  // inside the 3-byte one
    EXPECT_EQ(toValidUtf8(text, 2), "a");                          // inside the 2-byte one
    EXPECT_EQ(toValidUtf8(text, 0), "");
}

TEST(Utf8, replacesSequencesCutShort) {
    // What a byte cap on a hook's output leaves behind: the tail of a character.
    EXPECT_EQ(toValidUtf8("ab\xC3"), "ab" + kFffd);
    EXPECT_EQ(toValidUtf8("ab\xE2\x94"), "ab" + kFffd);          // one U+FFFD per maximal subpart
    EXPECT_EQ(toValidUtf8("ab\xF0\x9F\x98"), "ab" + kFffd);
    EXPECT_EQ(toValidUtf8("\xE2\x94x"), kFffd + "x");
    EXPECT_FALSE(isValidUtf8("ab\xE2\x94"));
}

TEST(Utf8, replacesOverlongs) {
    EXPECT_EQ(toValidUtf8("\xC0\xAF"), kFffd + kFffd);              // '/' in two bytes
    EXPECT_EQ(toValidUtf8("\xC1\xBF"), kFffd + kFffd);
    EXPECT_EQ(toValidUtf8("\xE0\x80\xAF"), kFffd + kFffd + kFffd);  // '/' in three bytes
    EXPECT_EQ(toValidUtf8("\xF0\x80\x80\xAF"), kFffd + kFffd + kFffd + kFffd);
    EXPECT_TRUE(isValidUtf8("\xE0\xA0\x80"));                       // U+0800, the first 3-byte one
    EXPECT_TRUE(isValidUtf8("\xF0\x90\x80\x80"));                   // U+10000, the first 4-byte one
}

TEST(Utf8, replacesSurrogates) {
    EXPECT_FALSE(isValidUtf8("\xED\xA0\x80"));  // U+D800
    EXPECT_FALSE(isValidUtf8("\xED\xBF\xBF"));  // U+DFFF
    EXPECT_EQ(toValidUtf8("\xED\xA0\x80"), kFffd + kFffd + kFffd);
    EXPECT_TRUE(isValidUtf8("\xED\x9F\xBF"));   // U+D7FF
    EXPECT_TRUE(isValidUtf8("\xEE\x80\x80"));   // U+E000
}

TEST(Utf8, replacesValuesAboveTheLastCodePoint) {
    EXPECT_TRUE(isValidUtf8("\xF4\x8F\xBF\xBF"));   // U+10FFFF
    EXPECT_FALSE(isValidUtf8("\xF4\x90\x80\x80"));  // U+110000
    EXPECT_EQ(toValidUtf8("\xF4\x90\x80\x80"), kFffd + kFffd + kFffd + kFffd);
    EXPECT_EQ(toValidUtf8("\xF5\x80\x80\x80"), kFffd + kFffd + kFffd + kFffd);
    EXPECT_EQ(toValidUtf8("\xFF"), kFffd);
}

TEST(Utf8, replacesStrayContinuationBytes) {
    EXPECT_EQ(toValidUtf8("a\x80\xBF" "b"), "a" + kFffd + kFffd + "b");
}

TEST(Utf8, neverExceedsTheCapWithAReplacement) {
    // A replacement is three bytes: it is left out rather than cut.
    EXPECT_EQ(toValidUtf8("ab\xFF", 4), "ab");
    EXPECT_EQ(toValidUtf8("ab\xFF", 5), "ab" + kFffd);
    const std::string replaced = toValidUtf8(std::string(100, '\x80'), 50);
    EXPECT_LE(replaced.size(), 50u);
    EXPECT_TRUE(isValidUtf8(replaced));
}

}  // namespace
}  // namespace rampart::common
