// The token path end to end: size and shape gate, base64url, header and claims JSON, key lookup,
// signature, claims rules (jwt::Verifier), then the same token through the CheckEngine (cache,
// limits, operator rules) as the services call it.
//
// Input: one selector byte, then the rest.
//   selector bit 0 clear: the rest is a token, verified as it is. Random bytes almost never carry
//     a valid signature, so this mode covers everything up to the signature check.
//   selector bit 0 set: the rest is "<header JSON>\n<claims JSON>", signed here with the
//     in-process key (selector bits 1-2), so the fuzzer reaches the claims rules behind it.
//   selector bit 3 set: the verifier also requires an issuer and an audience.
#include <spdlog/spdlog.h>

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "engine/CheckEngine.h"
#include "jwt/KeyStore.h"
#include "jwt/Verifier.h"
#include "support/FuzzKeys.h"

namespace {

using namespace rampart;

jwt::VerifierOptions strictOptions() {
    jwt::VerifierOptions options;
    options.issuers = {"https://idp.example/"};
    options.audiences = {"api"};
    return options;
}

struct Target {
    jwt::Verifier plain{jwt::VerifierOptions{}};
    jwt::Verifier strict{strictOptions()};
    jwt::KeyStore keys;
    int64_t monotonicNs = 0;
    std::unique_ptr<CheckEngine> engine;

    Target() {
        spdlog::set_level(spdlog::level::off);
        keys.replace(fuzz::fuzzKeys().keySet);
        CheckEngineOptions options;
        // Small bounds: the cache and the limiters keep state across inputs, so keep it small.
        options.cacheEntries = 64;
        options.maxLimiterKeys = 64;
        options.limits.perIp = {100, 10, false};
        options.limits.perSubject = {100, 10, true};
        options.limits.derive();
        engine = std::make_unique<CheckEngine>(
            std::move(options), keys, [] { return fuzz::kNow; },
            [this] { return monotonicNs += 1'000'000; });
    }
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    static Target target;
    if (size == 0) return 0;
    const uint8_t selector = data[0];
    const std::string_view rest(reinterpret_cast<const char*>(data) + 1, size - 1);

    std::string token;
    if ((selector & 1) == 0) {
        token.assign(rest);
    } else {
        const auto& signers = fuzz::fuzzKeys().signers;
        const auto& signer = signers[(selector >> 1) % signers.size()];
        const size_t newline = rest.find('\n');
        if (newline == std::string_view::npos) return -1;  // not in this mode's shape
        token = signer.sign(rest.substr(0, newline), rest.substr(newline + 1));
    }

    const auto& verifier = (selector & 8) ? target.strict : target.plain;
    const auto outcome = verifier.verify(token, *fuzz::fuzzKeys().keySet, fuzz::kNow);
    // A refusal never carries claims (callers log the subject of what they allowed).
    if (outcome.verdict != Verdict::Allow && !outcome.claims.subject.empty()) __builtin_trap();

    // Twice: a miss that verifies and caches, then (for a good token) a cache hit. The cache is
    // emptied first so an input's result never depends on the inputs before it.
    target.engine->forgetVerifiedTokens();
    const CheckInput input{token, "192.0.2.1", "/api"};
    const auto first = target.engine->check(input);
    const auto second = target.engine->check(input);
    // The cache must agree with the verifier: a token verified once stays valid at the same time.
    if (first.claims && second.verdict == Verdict::InvalidToken) __builtin_trap();
    return 0;
}
