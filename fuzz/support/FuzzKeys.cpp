#include "support/FuzzKeys.h"

#include <cstdio>
#include <cstdlib>

#include "jwt/JwksParser.h"

namespace rampart::fuzz {
namespace {

[[noreturn]] void fail(const std::string& what) {
    std::fprintf(stderr, "fuzz keys: %s\n", what.c_str());
    std::abort();
}

FuzzKeys generate() {
    using jwt::Algorithm;
    FuzzKeys keys;
    std::string jwks = "{\"keys\":[";
    for (Algorithm alg : {Algorithm::RS256, Algorithm::ES256, Algorithm::EdDSA, Algorithm::HS256}) {
        auto key = jwt::SigningKey::generate(alg, std::string("fuzz-") + jwt::algorithmName(alg));
        if (!key.ok()) fail(key.status().ToString());
        if (!keys.signers.empty()) jwks += ",";
        jwks += key->publicJwk();
        keys.signers.push_back(std::move(*key));
    }
    jwks += "]}";
    auto parsed = jwt::parseJwks(jwks, {});
    if (!parsed.ok()) fail(parsed.status().ToString());
    keys.keySet = parsed->keys;
    return keys;
}

}  // namespace

const FuzzKeys& fuzzKeys() {
    static const FuzzKeys keys = generate();
    return keys;
}

}  // namespace rampart::fuzz
