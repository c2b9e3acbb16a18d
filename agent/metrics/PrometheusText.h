#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace rampart::metrics {

// Writes the Prometheus text exposition format (version 0.0.4): HELP and TYPE once per family,
// then its samples, label values escaped.
class PrometheusText {
public:
    using Labels = std::vector<std::pair<std::string_view, std::string>>;

    void family(std::string_view name, std::string_view type, std::string_view help);
    void sample(std::string_view name, const Labels& labels, double value);
    void sample(std::string_view name, double value) { sample(name, {}, value); }

    const std::string& text() const { return out_; }

private:
    std::string out_;
};

}  // namespace rampart::metrics
