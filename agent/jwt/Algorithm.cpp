#include "jwt/Algorithm.h"

#include <array>
#include <utility>

namespace rampart::jwt {
namespace {

constexpr std::array<std::pair<std::string_view, Algorithm>, 13> kNames{{
    {"RS256", Algorithm::RS256}, {"RS384", Algorithm::RS384}, {"RS512", Algorithm::RS512},
    {"PS256", Algorithm::PS256}, {"PS384", Algorithm::PS384}, {"PS512", Algorithm::PS512},
    {"ES256", Algorithm::ES256}, {"ES384", Algorithm::ES384}, {"ES512", Algorithm::ES512},
    {"EdDSA", Algorithm::EdDSA},
    {"HS256", Algorithm::HS256}, {"HS384", Algorithm::HS384}, {"HS512", Algorithm::HS512},
}};

}  // namespace

std::optional<Algorithm> parseAlgorithm(std::string_view name) {
    for (const auto& [text, alg] : kNames) {
        if (text == name) return alg;
    }
    return std::nullopt;
}

const char* algorithmName(Algorithm alg) {
    for (const auto& [text, value] : kNames) {
        if (value == alg) return text.data();  // every name is a NUL-terminated literal
    }
    return "?";
}

KeyFamily keyFamily(Algorithm alg) {
    switch (alg) {
        case Algorithm::RS256: case Algorithm::RS384: case Algorithm::RS512:
            return KeyFamily::Rsa;
        case Algorithm::PS256: case Algorithm::PS384: case Algorithm::PS512:
            return KeyFamily::RsaPss;
        case Algorithm::ES256: case Algorithm::ES384: case Algorithm::ES512:
            return KeyFamily::Ecdsa;
        case Algorithm::EdDSA:
            return KeyFamily::EdDsa;
        case Algorithm::HS256: case Algorithm::HS384: case Algorithm::HS512:
            return KeyFamily::Hmac;
    }
    return KeyFamily::Hmac;
}

std::string_view digestName(Algorithm alg) {
    switch (alg) {
        case Algorithm::RS256: case Algorithm::PS256: case Algorithm::ES256: case Algorithm::HS256:
            return "SHA256";
        case Algorithm::RS384: case Algorithm::PS384: case Algorithm::ES384: case Algorithm::HS384:
            return "SHA384";
        case Algorithm::RS512: case Algorithm::PS512: case Algorithm::ES512: case Algorithm::HS512:
            return "SHA512";
        case Algorithm::EdDSA:
            return {};
    }
    return {};
}

int ecdsaComponentBytes(Algorithm alg) {
    switch (alg) {
        case Algorithm::ES256: return 32;
        case Algorithm::ES384: return 48;
        case Algorithm::ES512: return 66;  // P-521: ceil(521 / 8)
        default: return 0;
    }
}

}  // namespace rampart::jwt
