#include "jwt/Verifier.h"

#include <rapidjson/document.h>

#include <algorithm>
#include <array>
#include <span>
#include <cmath>

#include "absl/container/flat_hash_set.h"
#include "jwt/Base64Url.h"
#include "jwt/SignatureVerifier.h"

namespace rampart::jwt {
namespace {

using rapidjson::Value;

VerifyOutcome reject(std::string_view detail, Verdict verdict = Verdict::InvalidToken) {
    return VerifyOutcome{verdict, detail, {}};
}

std::string_view view(const Value& v) { return {v.GetString(), v.GetStringLength()}; }

// RFC 7515 §5.2 step 4 and RFC 7519 §4: duplicate member names must be rejected (our JSON parser
// would otherwise silently pick the first, while another implementation might pick the last).
bool hasDuplicateMembers(const Value& object) {
    const auto count = object.MemberCount();
    if (count < 16) {
        for (auto a = object.MemberBegin(); a != object.MemberEnd(); ++a) {
            for (auto b = a + 1; b != object.MemberEnd(); ++b) {
                if (view(a->name) == view(b->name)) return true;
            }
        }
        return false;
    }
    // Quadratic scans on an attacker-sized header would be a cheap denial of service.
    absl::flat_hash_set<std::string_view> seen;
    seen.reserve(count);
    for (auto it = object.MemberBegin(); it != object.MemberEnd(); ++it) {
        if (!seen.insert(view(it->name)).second) return true;
    }
    return false;
}

// A JSON document whose nodes and parse stack live in caller-provided (per-thread) memory, so
// parsing an ordinary token allocates nothing; larger ones spill to the heap transparently.
class ArenaDocument {
public:
    using Document = rapidjson::GenericDocument<rapidjson::UTF8<>, rapidjson::MemoryPoolAllocator<>,
                                                rapidjson::MemoryPoolAllocator<>>;
    ArenaDocument(std::span<char> nodes, std::span<char> stack)
        : nodes_(nodes.data(), nodes.size()),
          stack_(stack.data(), stack.size()),
          doc_(&nodes_, stack.size() / 2, &stack_) {}

    Document& doc() { return doc_; }

private:
    rapidjson::MemoryPoolAllocator<> nodes_;
    rapidjson::MemoryPoolAllocator<> stack_;
    Document doc_;
};

template <size_t NodeBytes>
struct Arena {
    alignas(16) std::array<char, NodeBytes> nodes;
    alignas(16) std::array<char, 4096> stack;
};

bool parseObject(std::string_view segment, std::string& scratch, ArenaDocument::Document& doc) {
    const auto size = base64UrlDecodedSize(segment);
    if (!size || *size == 0) return false;
    scratch.resize(*size);
    if (!base64UrlDecode(segment, std::span<uint8_t>(reinterpret_cast<uint8_t*>(scratch.data()),
                                                     scratch.size()))) {
        return false;
    }
    // Iterative parsing: nesting depth cannot exhaust the stack.
    doc.Parse<rapidjson::kParseValidateEncodingFlag | rapidjson::kParseIterativeFlag>(
        scratch.data(), scratch.size());
    return !doc.HasParseError() && doc.IsObject() && !hasDuplicateMembers(doc);
}

enum class NumericDate { Absent, Present, Malformed };

// RFC 7519 §2: a NumericDate is a JSON number (possibly non-integer); strings, booleans and
// non-finite values are malformed.
NumericDate readNumericDate(const Value& claims, const char* name, double& out) {
    auto it = claims.FindMember(name);
    if (it == claims.MemberEnd()) return NumericDate::Absent;
    if (!it->value.IsNumber()) return NumericDate::Malformed;
    out = it->value.GetDouble();
    return std::isfinite(out) ? NumericDate::Present : NumericDate::Malformed;
}

int64_t toSeconds(double date) {
    constexpr double kLimit = 1e15;  // far beyond any real date; keeps the cast defined
    return static_cast<int64_t>(std::clamp(date, -kLimit, kLimit));
}

enum class Field { Absent, Ok, Malformed };

Field readString(const Value& claims, const char* name, std::string& out) {
    auto it = claims.FindMember(name);
    if (it == claims.MemberEnd()) return Field::Absent;
    if (!it->value.IsString()) return Field::Malformed;
    out.assign(it->value.GetString(), it->value.GetStringLength());
    return Field::Ok;
}

// RFC 7519 §4.1.3: "aud" is a string or an array of strings.
Field readAudience(const Value& claims, std::vector<std::string>& out) {
    auto it = claims.FindMember("aud");
    if (it == claims.MemberEnd()) return Field::Absent;
    if (it->value.IsString()) {
        out.emplace_back(view(it->value));
        return Field::Ok;
    }
    if (!it->value.IsArray()) return Field::Malformed;
    for (const auto& entry : it->value.GetArray()) {
        if (!entry.IsString()) return Field::Malformed;
        out.emplace_back(view(entry));
    }
    return Field::Ok;
}

// "scope" (RFC 8693 §4.2, a space-separated string) or "scp" (a string or an array).
Field readScope(const Value& claims, std::string& out) {
    if (auto f = readString(claims, "scope", out); f != Field::Absent) return f;
    auto it = claims.FindMember("scp");
    if (it == claims.MemberEnd()) return Field::Absent;
    if (it->value.IsString()) {
        out.assign(view(it->value));
        return Field::Ok;
    }
    if (!it->value.IsArray()) return Field::Malformed;
    for (const auto& entry : it->value.GetArray()) {
        if (!entry.IsString()) return Field::Malformed;
        if (!out.empty()) out += ' ';
        out += view(entry);
    }
    return Field::Ok;
}

}  // namespace

Verifier::Verifier(VerifierOptions options) : options_(std::move(options)) {}

VerifyOutcome Verifier::verify(std::string_view token, const KeySet& keys,
                               int64_t nowSeconds) const {
    // RFC 8725 §3.x spirit: bound the work an unauthenticated caller can cause, before parsing.
    if (token.size() > options_.maxTokenBytes) return reject("token exceeds the size limit");
    if (token.empty()) return reject("no token");

    // RFC 7515 §7.1 / RFC 7519 §7.2: compact JWS is exactly three segments (JWE has five).
    const size_t dot1 = token.find('.');
    const size_t dot2 = dot1 == token.npos ? token.npos : token.find('.', dot1 + 1);
    if (dot2 == token.npos || token.find('.', dot2 + 1) != token.npos) {
        return reject("token does not have three segments");
    }
    const std::string_view headerSegment = token.substr(0, dot1);
    const std::string_view payloadSegment = token.substr(dot1 + 1, dot2 - dot1 - 1);
    const std::string_view signatureSegment = token.substr(dot2 + 1);
    if (payloadSegment.empty() || signatureSegment.empty()) return reject("empty token segment");

    thread_local std::string scratch;
    thread_local Arena<16 * 1024> arena;
    ArenaDocument headerDoc(arena.nodes, arena.stack);
    auto& header = headerDoc.doc();
    if (!parseObject(headerSegment, scratch, header)) return reject("malformed header");

    // RFC 7515 §4.1.1: alg is required. It is matched against the key's single bound algorithm
    // below, so "none" (any spelling) and every algorithm-confusion attempt fail there.
    auto alg = header.FindMember("alg");
    if (alg == header.MemberEnd() || !alg->value.IsString()) return reject("header has no alg");
    // RFC 7515 §4.1.11: crit lists extensions that must be understood; this verifier implements
    // none, so any crit (even a malformed or empty one) is refused.
    if (header.HasMember("crit")) return reject("header has a critical extension");
    // jku, x5u, jwk and x5c are never consulted (RFC 8725 §3.10): keys come from configuration.

    const VerificationKey* key = nullptr;
    if (auto kid = header.FindMember("kid"); kid != header.MemberEnd()) {
        if (!kid->value.IsString()) return reject("kid is not a string");
        key = keys.find(view(kid->value));
        if (!key) return reject("unknown kid");
    } else {
        key = keys.soleKey();
        if (!key) return reject("token has no kid and the key set has several keys");
    }
    if (view(alg->value) != algorithmName(key->alg)) {
        return reject("algorithm does not match the key");
    }

    thread_local std::vector<uint8_t> signature;
    const auto signatureSize = base64UrlDecodedSize(signatureSegment);
    if (!signatureSize) return reject("malformed signature");
    signature.resize(*signatureSize);
    if (!base64UrlDecode(signatureSegment, signature)) return reject("malformed signature");
    if (!verifySignature(*key, token.substr(0, dot2), signature)) {
        return reject("signature does not verify");
    }
    return checkClaims(payloadSegment, nowSeconds);
}

VerifyOutcome Verifier::checkClaims(std::string_view payloadSegment, int64_t nowSeconds) const {
    thread_local std::string scratch;
    thread_local Arena<32 * 1024> arena;
    ArenaDocument claimsDoc(arena.nodes, arena.stack);
    auto& claims = claimsDoc.doc();
    if (!parseObject(payloadSegment, scratch, claims)) return reject("malformed claims");

    const double now = static_cast<double>(nowSeconds);
    const double leeway = static_cast<double>(options_.leewaySeconds);
    double exp = 0, nbf = 0, iat = 0;
    const auto hasExp = readNumericDate(claims, "exp", exp);
    const auto hasNbf = readNumericDate(claims, "nbf", nbf);
    const auto hasIat = readNumericDate(claims, "iat", iat);
    if (hasExp == NumericDate::Malformed) return reject("exp is not a NumericDate");
    if (hasNbf == NumericDate::Malformed) return reject("nbf is not a NumericDate");
    if (hasIat == NumericDate::Malformed) return reject("iat is not a NumericDate");
    if (hasExp == NumericDate::Absent && options_.requireExp) return reject("token has no exp");
    // RFC 7519 §4.1.4: the token must not be accepted on or after exp.
    if (hasExp == NumericDate::Present && now >= exp + leeway) {
        return reject("token has expired", Verdict::Expired);
    }
    // RFC 7519 §4.1.5: nor before nbf.
    if (hasNbf == NumericDate::Present && now + leeway < nbf) {
        return reject("token is not yet valid");
    }
    // A token issued in the future comes from a broken clock or a forger.
    if (hasIat == NumericDate::Present && iat > now + leeway) {
        return reject("token was issued in the future");
    }

    VerifyOutcome outcome{Verdict::Allow, "ok", {}};
    VerifiedClaims& out = outcome.claims;
    if (readString(claims, "sub", out.subject) == Field::Malformed) {
        return reject("sub is not a string");
    }
    const auto issuer = readString(claims, "iss", out.issuer);
    if (issuer == Field::Malformed) return reject("iss is not a string");
    if (!options_.issuers.empty()) {
        if (issuer != Field::Ok) return reject("token has no iss");
        if (std::find(options_.issuers.begin(), options_.issuers.end(), out.issuer) ==
            options_.issuers.end()) {
            return reject("issuer is not allowed");
        }
    }
    const auto audience = readAudience(claims, out.audience);
    if (audience == Field::Malformed) return reject("aud is not a string or array of strings");
    // RFC 7519 §4.1.3: when we expect an audience, the token must name it.
    if (!options_.audiences.empty()) {
        const bool match = std::any_of(out.audience.begin(), out.audience.end(), [&](auto& a) {
            return std::find(options_.audiences.begin(), options_.audiences.end(), a) !=
                   options_.audiences.end();
        });
        if (!match) return reject("audience does not match");
    }
    if (readString(claims, "jti", out.jwtId) == Field::Malformed) {
        return reject("jti is not a string");
    }
    if (readScope(claims, out.scope) == Field::Malformed) return reject("scope is malformed");
    if (readString(claims, "client_id", out.clientId) == Field::Absent) {
        readString(claims, "azp", out.clientId);
    }
    out.expiresAt = hasExp == NumericDate::Present ? toSeconds(exp) : 0;
    out.issuedAt = hasIat == NumericDate::Present ? toSeconds(iat) : 0;
    return outcome;
}

}  // namespace rampart::jwt
