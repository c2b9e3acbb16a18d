#pragma once

#include "keys/KeySource.h"

namespace rampart::keys {

// A JWKS served over HTTPS (an identity provider's jwks_uri), fetched with libcurl. Only https is
// allowed, redirects included; the body is capped; the peer is verified against the system CAs
// or the configured CA file.
class JwksUrlSource : public KeySource {
public:
    JwksUrlSource(std::string url, std::string caFile, std::chrono::milliseconds refreshInterval,
                  std::chrono::milliseconds timeout);

    std::string describe() const override;
    absl::StatusOr<std::string> fetch() override;
    bool mayHaveChanged() override { return true; }
    std::chrono::milliseconds pollInterval() const override { return refreshInterval_; }

private:
    std::string url_;
    std::string caFile_;
    std::chrono::milliseconds refreshInterval_;
    std::chrono::milliseconds timeout_;
};

}  // namespace rampart::keys
