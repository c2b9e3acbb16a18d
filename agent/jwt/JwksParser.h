#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "jwt/KeySet.h"

namespace rampart::jwt {

// Algorithms bound to keys from configuration, for key sets whose JWKs carry no "alg".
// Looked up first by "kid", then by "kty:<type>" (for example "kty:RSA" → RS256).
using AlgorithmBindings = absl::flat_hash_map<std::string, Algorithm>;

struct ParsedKeySet {
    std::shared_ptr<KeySet> keys;
    // Keys that were skipped and why (wrong use, unsupported type, weak key...), for the log.
    std::vector<std::string> warnings;
};

// Upper bounds that keep a hostile or broken key source from costing unbounded memory or time.
inline constexpr size_t kMaxJwksBytes = 1 << 20;
inline constexpr size_t kMaxJwksKeys = 1000;

// Parses a JWK Set (RFC 7517 §5) into keys ready for verification. Keys that cannot be used are
// skipped with a warning; a document that is malformed, has a duplicate kid, or yields no usable
// key is an error, so the caller keeps its last good set.
absl::StatusOr<ParsedKeySet> parseJwks(std::string_view json, const AlgorithmBindings& bindings);

}  // namespace rampart::jwt
