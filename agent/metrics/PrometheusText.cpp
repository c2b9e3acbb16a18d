#include "metrics/PrometheusText.h"

#include <cmath>
#include <cstdio>

namespace rampart::metrics {
namespace {

void appendEscaped(std::string& out, std::string_view value, bool quote) {
    for (char c : value) {
        if (c == '\\') {
            out += "\\\\";
        } else if (c == '\n') {
            out += "\\n";
        } else if (c == '"' && quote) {
            out += "\\\"";
        } else {
            out += c;
        }
    }
}

void appendNumber(std::string& out, double value) {
    if (std::isinf(value)) {
        out += value > 0 ? "+Inf" : "-Inf";
        return;
    }
    if (std::isnan(value)) {
        out += "NaN";
        return;
    }
    char buffer[32];
    // Integers print exactly; other values with enough digits to round-trip.
    if (value == std::floor(value) && std::fabs(value) < 1e15) {
        std::snprintf(buffer, sizeof buffer, "%.0f", value);
    } else {
        std::snprintf(buffer, sizeof buffer, "%.17g", value);
    }
    out += buffer;
}

}  // namespace

void PrometheusText::family(std::string_view name, std::string_view type, std::string_view help) {
    out_ += "# HELP ";
    out_ += name;
    out_ += ' ';
    appendEscaped(out_, help, false);
    out_ += "\n# TYPE ";
    out_ += name;
    out_ += ' ';
    out_ += type;
    out_ += '\n';
}

void PrometheusText::sample(std::string_view name, const Labels& labels, double value) {
    out_ += name;
    if (!labels.empty()) {
        out_ += '{';
        bool first = true;
        for (const auto& [key, label] : labels) {
            if (!first) out_ += ',';
            first = false;
            out_ += key;
            out_ += "=\"";
            appendEscaped(out_, label, true);
            out_ += '"';
        }
        out_ += '}';
    }
    out_ += ' ';
    appendNumber(out_, value);
    out_ += '\n';
}

}  // namespace rampart::metrics
