#include "config/Duration.h"

#include <gtest/gtest.h>

namespace rampart::config {
namespace {

using namespace std::chrono_literals;

TEST(Duration, parsesEveryUnit) {
    EXPECT_EQ(parseDuration("250ms"), 250ms);
    EXPECT_EQ(parseDuration("30s"), 30s);
    EXPECT_EQ(parseDuration("5m"), 5min);
    EXPECT_EQ(parseDuration("2h"), 2h);
    EXPECT_EQ(parseDuration("45"), 45s);  // a bare number is seconds
    EXPECT_EQ(parseDuration("0s"), 0ms);
}

TEST(Duration, rejectsAnythingElse) {
    for (const char* bad : {"", "s", "abc", "10x", "-5s", "1.5s", "10 s", "5sec", "99999999999999999h"}) {
        EXPECT_FALSE(parseDuration(bad).has_value()) << bad;
    }
}

}  // namespace
}  // namespace rampart::config
