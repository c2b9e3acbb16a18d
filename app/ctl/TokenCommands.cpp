// `keys generate` and `token mint`: development and test helpers for signing keys and tokens.
#include <sys/stat.h>

#include <chrono>
#include <fstream>
#include <iostream>
#include <sstream>

#include "Commands.h"
#include "jwt/SigningKey.h"

namespace rampart::ctl {
namespace {

std::string readAll(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw CLI::ValidationError("cannot read " + path);
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

void writePrivate(const std::string& path, const std::string& content) {
    const mode_t old = ::umask(077);  // a private key is readable by its owner only
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    ::umask(old);
    if (!out) throw CLI::ValidationError("cannot write " + path);
    out << content;
}

std::string jsonString(const std::string& text) {
    std::string out = "\"";
    for (char c : text) {
        if (c == '"' || c == '\\') out += '\\';
        if (static_cast<unsigned char>(c) < 0x20) continue;  // control characters are dropped
        out += c;
    }
    return out + "\"";
}

jwt::Algorithm algorithmOption(const std::string& name) {
    auto alg = jwt::parseAlgorithm(name);
    if (!alg) throw CLI::ValidationError("--alg", "unknown algorithm " + name);
    return *alg;
}

}  // namespace

void addKeyCommands(CLI::App& app, int& exitCode) {
    auto* keys = app.add_subcommand("keys", "Signing keys for development and tests");
    keys->require_subcommand(1);
    auto* generate = keys->add_subcommand(
        "generate", "Make a signing key and a JWKS holding its public half");
    static std::string alg = "ES256", kid = "dev-1", privatePath, jwksPath;
    generate->add_option("--alg", alg, "Algorithm (RS256, ES256, EdDSA, HS256, ...)");
    generate->add_option("--kid", kid, "Key id");
    generate->add_option("--private-key", privatePath, "Where to write the private key")->required();
    generate->add_option("--jwks", jwksPath, "Where to write the JWKS")->required();
    generate->callback([&exitCode] {
        auto key = jwt::SigningKey::generate(algorithmOption(alg), kid);
        if (!key.ok()) {
            std::cerr << "cannot generate key: " << key.status().message() << "\n";
            exitCode = 1;
            return;
        }
        writePrivate(privatePath, key->privatePem());
        std::ofstream(jwksPath, std::ios::trunc) << jwt::jwksOf({key->publicJwk()}) << "\n";
        std::cout << "wrote " << privatePath << " and " << jwksPath << " (kid " << kid << ", "
                  << alg << ")\n";
    });
}

void addTokenCommands(CLI::App& app, int& exitCode) {
    auto* token = app.add_subcommand("token", "Tokens for development and tests");
    token->require_subcommand(1);
    auto* mint = token->add_subcommand("mint", "Sign a JWT with a private key");
    static std::string alg = "ES256", kid = "dev-1", keyPath, subject = "demo-user", issuer,
                       audience;
    static int64_t ttlSeconds = 3600;
    mint->add_option("--alg", alg, "Algorithm of the key");
    mint->add_option("--kid", kid, "Key id to put in the header");
    mint->add_option("--private-key", keyPath, "PEM private key (or HMAC secret file)")->required();
    mint->add_option("--sub", subject, "Subject claim");
    mint->add_option("--iss", issuer, "Issuer claim");
    mint->add_option("--aud", audience, "Audience claim");
    mint->add_option("--ttl", ttlSeconds, "Seconds until exp (negative: already expired)");
    mint->callback([&exitCode] {
        auto key = jwt::SigningKey::fromPem(algorithmOption(alg), kid, readAll(keyPath));
        if (!key.ok()) {
            std::cerr << "cannot read key: " << key.status().message() << "\n";
            exitCode = 1;
            return;
        }
        const int64_t now = std::chrono::duration_cast<std::chrono::seconds>(
                                std::chrono::system_clock::now().time_since_epoch())
                                .count();
        std::string claims = "{\"sub\":" + jsonString(subject) + ",\"iat\":" +
                             std::to_string(now) + ",\"exp\":" + std::to_string(now + ttlSeconds);
        if (!issuer.empty()) claims += ",\"iss\":" + jsonString(issuer);
        if (!audience.empty()) claims += ",\"aud\":" + jsonString(audience);
        claims += "}";
        std::cout << key->mint(claims) << "\n";
    });
}

}  // namespace rampart::ctl
