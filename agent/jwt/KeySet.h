#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "jwt/VerificationKey.h"

namespace rampart::jwt {

// An immutable set of verification keys, looked up by kid. Replaced whole on reload, never edited.
class KeySet {
public:
    KeySet() = default;
    KeySet(const KeySet&) = delete;
    KeySet& operator=(const KeySet&) = delete;

    // Fails (returns false) when the kid is already present: a duplicate kid makes lookups
    // ambiguous, so the whole set is refused.
    bool add(VerificationKey key);

    const VerificationKey* find(std::string_view kid) const;
    // The key to use for a token without a kid: only when the set holds exactly one key.
    const VerificationKey* soleKey() const;

    size_t size() const { return keys_.size(); }
    const std::vector<std::unique_ptr<VerificationKey>>& keys() const { return keys_; }

    // "kid-a:RS256,kid-b:ES256" for logs and node summaries (no key material).
    std::string summary() const;

private:
    std::vector<std::unique_ptr<VerificationKey>> keys_;
    absl::flat_hash_map<std::string, const VerificationKey*> byKid_;
};

}  // namespace rampart::jwt
