// The JWK Set parser (jwt::parseJwks): the bytes a key source (a file, a URL, an OIDC provider)
// hands the agent. A document either becomes a key set whose every key can be found by its kid,
// or an error; nothing else.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "jwt/JwksParser.h"

namespace {

using rampart::jwt::Algorithm;

// As a configuration might bind them, so keys without "alg" get past the binding step too.
const rampart::jwt::AlgorithmBindings& bindings() {
    static const rampart::jwt::AlgorithmBindings table = {
        {"kty:RSA", Algorithm::RS256},   {"kty:EC", Algorithm::ES256},
        {"kty:OKP", Algorithm::EdDSA},   {"kty:oct", Algorithm::HS256},
        {"bound-kid", Algorithm::PS384},
    };
    return table;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    const std::string_view json(reinterpret_cast<const char*>(data), size);
    const auto parsed = rampart::jwt::parseJwks(json, bindings());
    if (!parsed.ok()) return 0;
    const auto& keys = *parsed->keys;
    // The parser's promise: a set it returns is non-empty and unambiguous.
    if (keys.size() == 0) __builtin_trap();
    for (const auto& key : keys.keys()) {
        if (!key->kid.empty() && keys.find(key->kid) != key.get()) __builtin_trap();
    }
    (void)keys.summary();
    return 0;
}
