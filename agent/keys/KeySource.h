#pragma once

#include <chrono>
#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "config/AgentConfig.h"

namespace rampart::keys {

// Somewhere a JWKS document comes from. Implementations are used from one thread at a time.
class KeySource {
public:
    virtual ~KeySource() = default;

    // For logs: "file /etc/rampart/jwks.json" or "url https://idp.example/jwks" (never a query
    // string, which may carry credentials).
    virtual std::string describe() const = 0;
    // The raw document, bounded to jwt::kMaxJwksBytes.
    virtual absl::StatusOr<std::string> fetch() = 0;
    // Whether fetching now could give something new: a file whose identity or time changed; a
    // URL always.
    virtual bool mayHaveChanged() = 0;
    // How often to look.
    virtual std::chrono::milliseconds pollInterval() const = 0;
};

std::unique_ptr<KeySource> makeKeySource(const config::KeySourceConfig& config);

}  // namespace rampart::keys
