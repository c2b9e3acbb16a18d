#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "metrics/PrometheusText.h"

namespace rampart::metrics {
namespace {

std::string sampleLine(double value) {
    PrometheusText text;
    text.sample("x", value);
    return text.text();
}

TEST(PrometheusText, familyWritesHelpThenType) {
    PrometheusText text;
    text.family("rampart_checks_total", "counter", "Checks answered, by verdict.");
    text.sample("rampart_checks_total", {{"verdict", "ALLOW"}}, 3);
    text.sample("rampart_checks_total", {{"verdict", "EXPIRED"}}, 0);
    EXPECT_EQ(text.text(),
              "# HELP rampart_checks_total Checks answered, by verdict.\n"
              "# TYPE rampart_checks_total counter\n"
              "rampart_checks_total{verdict=\"ALLOW\"} 3\n"
              "rampart_checks_total{verdict=\"EXPIRED\"} 0\n");
}

TEST(PrometheusText, sampleWithoutLabelsHasNoBraces) {
    PrometheusText text;
    text.family("up", "gauge", "Up.");
    text.sample("up", 1);
    EXPECT_EQ(text.text(), "# HELP up Up.\n# TYPE up gauge\nup 1\n");
}

TEST(PrometheusText, severalLabelsAreCommaSeparatedInOrder) {
    PrometheusText text;
    text.sample("m", {{"a", "1"}, {"b", "two"}, {"c", ""}}, 5);
    EXPECT_EQ(text.text(), "m{a=\"1\",b=\"two\",c=\"\"} 5\n");
}

TEST(PrometheusText, escapesBackslashQuoteAndNewlineInLabelValues) {
    PrometheusText text;
    text.sample("m",
                {{"path", R"(C:\dir "x")"
                          "\nend"}},
                1);
    EXPECT_EQ(text.text(), "m{path=\"C:\\\\dir \\\"x\\\"\\nend\"} 1\n");
}

TEST(PrometheusText, helpEscapesBackslashAndNewlineButNotQuotes) {
    // Exposition format 0.0.4: in HELP only \ and newline are escaped.
    PrometheusText text;
    text.family("m", "gauge", "a \"quoted\" C:\\path\nsecond line");
    EXPECT_EQ(text.text(), "# HELP m a \"quoted\" C:\\\\path\\nsecond line\n# TYPE m gauge\n");
}

TEST(PrometheusText, integersPrintWithoutDecimals) {
    EXPECT_EQ(sampleLine(0), "x 0\n");
    EXPECT_EQ(sampleLine(42), "x 42\n");
    EXPECT_EQ(sampleLine(-7), "x -7\n");
    EXPECT_EQ(sampleLine(1'000'000), "x 1000000\n");
    // A counter that has passed 2^32 is still printed digit for digit.
    EXPECT_EQ(sampleLine(123'456'789'012.0), "x 123456789012\n");
}

TEST(PrometheusText, fractionsRoundTrip) {
    EXPECT_EQ(sampleLine(0.5), "x 0.5\n");
    EXPECT_EQ(sampleLine(2.25), "x 2.25\n");
    for (double value : {0.1, 1.0 / 3, 1e-9, 123.456, 6.02e23}) {
        const auto line = sampleLine(value);
        const double parsed = std::strtod(line.c_str() + 2, nullptr);
        EXPECT_EQ(parsed, value) << line;
        EXPECT_EQ(line.find(' ', 2), std::string::npos) << line;
    }
}

TEST(PrometheusText, infinitiesAndNaNUseTheFormatsSpelling) {
    EXPECT_EQ(sampleLine(std::numeric_limits<double>::infinity()), "x +Inf\n");
    EXPECT_EQ(sampleLine(-std::numeric_limits<double>::infinity()), "x -Inf\n");
    EXPECT_EQ(sampleLine(std::numeric_limits<double>::quiet_NaN()), "x NaN\n");
}

TEST(PrometheusText, histogramBucketLabelIsPlusInf) {
    PrometheusText text;
    text.family("lat_seconds", "histogram", "Latency.");
    text.sample("lat_seconds_bucket", {{"le", "0.005"}}, 3);
    text.sample("lat_seconds_bucket", {{"le", "+Inf"}}, 4);
    text.sample("lat_seconds_sum", 0.25);
    text.sample("lat_seconds_count", 4);
    EXPECT_NE(text.text().find("lat_seconds_bucket{le=\"+Inf\"} 4\n"), std::string::npos);
    EXPECT_NE(text.text().find("lat_seconds_sum 0.25\n"), std::string::npos);
    EXPECT_NE(text.text().find("lat_seconds_count 4\n"), std::string::npos);
}

}  // namespace
}  // namespace rampart::metrics
