#include "control/StateFile.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <utility>

namespace rampart::control {
namespace {

using nlohmann::json;

json ruleJson(const limits::LimitRule& rule) {
    return {{"rate", rule.rate}, {"burst", rule.burst}, {"shadow", rule.shadow}};
}

limits::LimitRule ruleFrom(const json& j) {
    limits::LimitRule rule;
    rule.rate = j.at("rate").get<double>();
    rule.burst = j.at("burst").get<double>();
    rule.shadow = j.value("shadow", false);
    return rule;
}

json cidrsJson(const limits::CidrList& list) {
    json out = json::array();
    for (const auto& block : list.blocks()) out.push_back(block.toString());
    return out;
}

limits::CidrList cidrsFrom(const json& j) {
    std::vector<limits::Cidr> blocks;
    for (const auto& text : j) {
        auto cidr = limits::Cidr::parse(text.get<std::string>());
        if (!cidr) throw std::runtime_error("bad CIDR " + text.get<std::string>());
        blocks.push_back(*cidr);
    }
    return limits::CidrList(std::move(blocks));
}

json limitsJson(const limits::LimitSet& l) {
    return {{"per_ip", ruleJson(l.perIp)},         {"per_subject", ruleJson(l.perSubject)},
            {"global", ruleJson(l.global)},        {"ipv6_prefix", l.ipv6PrefixBits},
            {"blocklist", cidrsJson(l.blocklist)}, {"allowlist", cidrsJson(l.allowlist)},
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
    return {{"subject", r.subject},       {"jti", r.jwtId},
            {"until", r.until},           {"reason", r.reason},
            {"created_by", r.createdBy},  {"created_at", r.createdAt}};
}

// nlohmann's get<int64_t>() casts whatever number it holds: a float out of range (1e30) is
// undefined behaviour, a negative integer wraps into an unsigned field. A state file may have
// been edited by hand or torn, so every integer field must be a JSON integer that fits. Found by
// fuzz/StateFileFuzzer.cpp.
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

// An optional integer member: `fallback` when absent.
template <typename T>
T integerOr(const json& object, const char* name, T fallback) {
    const auto it = object.find(name);
    return it == object.end() ? fallback : integerFrom<T>(*it, name);
}

absl::Status errnoStatus(const std::string& what) {
    return absl::InternalError(what + ": " + std::strerror(errno));
}

}  // namespace

std::string limitsToJson(const limits::LimitSet& limits) { return limitsJson(limits).dump(); }
std::string blockToJson(const BlockRecord& block) { return blockJson(block).dump(); }
std::string revocationToJson(const RevocationRecord& r) { return revocationJson(r).dump(); }

absl::Status saveState(const std::string& path, const ControlState& state) {
    json doc = {{"format", 1}, {"limits", limitsJson(state.limits)}, {"scale_desired", state.scaleDesired}};
    doc["blocks"] = json::array();
    for (const auto& b : state.blocks) doc["blocks"].push_back(blockJson(b));
    doc["revocations"] = json::array();
    for (const auto& r : state.revocations) doc["revocations"].push_back(revocationJson(r));
    const std::string text = doc.dump(2) + "\n";

    const std::string temp = path + ".tmp";
    const int fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd < 0) return errnoStatus("cannot write " + temp);
    size_t written = 0;
    while (written < text.size()) {
        const ssize_t n = ::write(fd, text.data() + written, text.size() - written);
        if (n < 0) {
            if (errno == EINTR) continue;
            ::close(fd);
            return errnoStatus("cannot write " + temp);
        }
        written += static_cast<size_t>(n);
    }
    if (::fsync(fd) != 0) {
        ::close(fd);
        return errnoStatus("cannot fsync " + temp);
    }
    ::close(fd);
    if (::rename(temp.c_str(), path.c_str()) != 0) return errnoStatus("cannot replace " + path);
    // The rename itself must reach the disk too.
    const auto dir = std::filesystem::path(path).parent_path();
    const int dirFd = ::open(dir.empty() ? "." : dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dirFd >= 0) {
        ::fsync(dirFd);
        ::close(dirFd);
    }
    return absl::OkStatus();
}

absl::StatusOr<ControlState> loadState(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) return absl::NotFoundError("no state file at " + path);
    std::ostringstream text;
    text << in.rdbuf();
    try {
        const json doc = json::parse(text.str());
        ControlState state;
        const auto& l = doc.at("limits");
        state.limits.perIp = ruleFrom(l.at("per_ip"));
        state.limits.perSubject = ruleFrom(l.at("per_subject"));
        state.limits.global = ruleFrom(l.at("global"));
        state.limits.ipv6PrefixBits = integerFrom<int>(l.at("ipv6_prefix"), "ipv6_prefix");
        state.limits.blocklist = cidrsFrom(l.at("blocklist"));
        state.limits.allowlist = cidrsFrom(l.at("allowlist"));
        state.limits.revision = integerFrom<uint64_t>(l.at("revision"), "revision");
        state.scaleDesired = integerOr<uint32_t>(doc, "scale_desired", 0);
        for (const auto& b : doc.at("blocks")) {
            BlockRecord block;
            block.kind = b.at("kind").get<std::string>() == "subject" ? BlockTarget::Subject
                                                                      : BlockTarget::Client;
            block.value = b.at("value").get<std::string>();
            block.expiresAt = integerFrom<int64_t>(b.at("expires_at"), "expires_at");
            block.reason = b.value("reason", "");
            block.createdBy = b.value("created_by", "");
            block.createdAt = integerOr<int64_t>(b, "created_at", 0);
            state.blocks.push_back(std::move(block));
        }
        for (const auto& r : doc.at("revocations")) {
            RevocationRecord rev;
            rev.subject = r.value("subject", "");
            rev.jwtId = r.value("jti", "");
            rev.until = integerFrom<int64_t>(r.at("until"), "until");
            rev.reason = r.value("reason", "");
            rev.createdBy = r.value("created_by", "");
            rev.createdAt = integerOr<int64_t>(r, "created_at", 0);
            state.revocations.push_back(std::move(rev));
        }
        return state;
    } catch (const std::exception& e) {
        return absl::DataLossError(path + " is not a valid state file: " + e.what());
    }
}

}  // namespace rampart::control
