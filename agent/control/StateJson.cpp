#include "control/StateJson.h"

#include <spdlog/spdlog.h>

#include <cmath>
#include <stdexcept>
#include <utility>

#include "limits/LimitBounds.h"

namespace rampart::control {
namespace {

using nlohmann::json;

json ruleJson(const limits::LimitRule& rule) {
    return {{"rate", rule.rate}, {"burst", rule.burst}, {"shadow", rule.shadow}};
}

limits::LimitRule ruleFrom(const json& j, const char* name) {
    limits::LimitRule rule;
    // A NaN or an infinity is written as null; get<double>() then throws.
    rule.rate = j.at("rate").get<double>();
    rule.burst = j.at("burst").get<double>();
    rule.shadow = j.value("shadow", false);
    if (!std::isfinite(rule.rate) || !std::isfinite(rule.burst) || rule.rate < 0 ||
        rule.burst < 0) {
        throw std::runtime_error(std::string(name) +
                                 ": rate and burst must be numbers, at least 0");
    }
    if (auto valid = limits::checkLimitRule(rule); !valid.ok()) {
        spdlog::warn(
            "state: {} rate={} burst={} is outside today's range ({}); kept, and enforced "
            "at the nearest value within it",
            name, rule.rate, rule.burst, std::string(valid.message()));
    }
    return rule;
}

json cidrsJson(const limits::CidrList& list) {
    json out = json::array();
    for (const auto& block : list.blocks()) out.push_back(block.toString());
    return out;
}

limits::CidrList cidrsFrom(const json& j, const char* name) {
    // The control plane's bound on each list.
    if (j.size() > 10'000)
        throw std::runtime_error(std::string(name) + " holds over 10000 entries");
    std::vector<limits::Cidr> blocks;
    for (const auto& text : j) {
        auto cidr = limits::Cidr::parse(text.get<std::string>());
        if (!cidr) throw std::runtime_error("bad CIDR in " + std::string(name));
        blocks.push_back(*cidr);
    }
    return limits::CidrList(std::move(blocks));
}

}  // namespace

template <typename T>
T integerFrom(const json& j, const char* name) {
    if (j.is_number_unsigned() && std::in_range<T>(j.get<uint64_t>())) {
        return static_cast<T>(j.get<uint64_t>());
    }
    if (j.is_number_integer() && !j.is_number_unsigned() && std::in_range<T>(j.get<int64_t>())) {
        return static_cast<T>(j.get<int64_t>());
    }
    throw std::runtime_error(std::string("\"") + name + "\" is not an integer in range");
}

template <typename T>
T integerOr(const json& object, const char* name, T fallback) {
    const auto it = object.find(name);
    return it == object.end() ? fallback : integerFrom<T>(*it, name);
}

uint64_t counterFrom(const json& object, const char* name) {
    const int64_t value = integerOr<int64_t>(object, name, 0);
    if (value < 0) throw std::runtime_error(std::string("\"") + name + "\" is negative");
    return static_cast<uint64_t>(value);
}

template int integerFrom<int>(const json&, const char*);
template int64_t integerFrom<int64_t>(const json&, const char*);
template uint64_t integerFrom<uint64_t>(const json&, const char*);
template uint32_t integerFrom<uint32_t>(const json&, const char*);
template uint32_t integerOr<uint32_t>(const json&, const char*, uint32_t);
template int64_t integerOr<int64_t>(const json&, const char*, int64_t);
template uint64_t integerOr<uint64_t>(const json&, const char*, uint64_t);

json limitsJson(const limits::LimitSet& l) {
    return {{"per_ip", ruleJson(l.perIp)},
            {"per_subject", ruleJson(l.perSubject)},
            {"global", ruleJson(l.global)},
            {"ipv6_prefix", l.ipv6PrefixBits},
            {"blocklist", cidrsJson(l.blocklist)},
            {"allowlist", cidrsJson(l.allowlist)},
            {"revision", l.revision}};
}

json blockJson(const BlockRecord& b) {
    return {{"kind", b.kind == BlockTarget::Client ? "client" : "subject"},
            {"value", b.value},
            {"expires_at", b.expiresAt},
            {"reason", b.reason},
            {"created_by", b.createdBy},
            {"created_at", b.createdAt}};
}

json revocationJson(const RevocationRecord& r) {
    return {{"subject", r.subject},      {"jti", r.jwtId},
            {"until", r.until},          {"reason", r.reason},
            {"created_by", r.createdBy}, {"created_at", r.createdAt}};
}

limits::LimitSet limitsFromJson(const json& l) {
    limits::LimitSet limits;
    limits.perIp = ruleFrom(l.at("per_ip"), "per_ip");
    limits.perSubject = ruleFrom(l.at("per_subject"), "per_subject");
    limits.global = ruleFrom(l.at("global"), "global");
    limits.ipv6PrefixBits = integerFrom<int>(l.at("ipv6_prefix"), "ipv6_prefix");
    if (limits.ipv6PrefixBits < 16 || limits.ipv6PrefixBits > 128) {
        throw std::runtime_error("ipv6_prefix must be between 16 and 128");
    }
    limits.blocklist = cidrsFrom(l.at("blocklist"), "blocklist");
    limits.allowlist = cidrsFrom(l.at("allowlist"), "allowlist");
    (void)l.at("revision");  // required
    limits.revision = counterFrom(l, "revision");
    return limits;
}

BlockRecord blockFromJson(const json& b) {
    BlockRecord block;
    const auto kind = b.at("kind").get<std::string>();
    if (kind != "client" && kind != "subject") throw std::runtime_error("bad block kind " + kind);
    block.kind = kind == "subject" ? BlockTarget::Subject : BlockTarget::Client;
    block.value = b.at("value").get<std::string>();
    if (block.value.empty()) throw std::runtime_error("block without a value");
    if (block.kind == BlockTarget::Client && !limits::Cidr::parse(block.value)) {
        throw std::runtime_error("blocked client is not an IP address or CIDR block");
    }
    block.expiresAt = integerFrom<int64_t>(b.at("expires_at"), "expires_at");
    block.reason = b.value("reason", "");
    block.createdBy = b.value("created_by", "");
    block.createdAt = integerOr<int64_t>(b, "created_at", 0);
    return block;
}

RevocationRecord revocationFromJson(const json& r) {
    RevocationRecord revocation;
    revocation.subject = r.value("subject", "");
    revocation.jwtId = r.value("jti", "");
    if (revocation.subject.empty() == revocation.jwtId.empty()) {
        throw std::runtime_error("a revocation names exactly one of subject and jti");
    }
    revocation.until = integerFrom<int64_t>(r.at("until"), "until");
    revocation.reason = r.value("reason", "");
    revocation.createdBy = r.value("created_by", "");
    revocation.createdAt = integerOr<int64_t>(r, "created_at", 0);
    return revocation;
}

std::string dumped(const json& j, int indent) {
    return j.dump(indent, ' ', false, json::error_handler_t::replace);
}

}  // namespace rampart::control
