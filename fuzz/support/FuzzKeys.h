#pragma once

#include <memory>
#include <string>
#include <vector>

#include "jwt/KeySet.h"
#include "jwt/SigningKey.h"

namespace rampart::fuzz {

// Fixed "now" for every target, so that a reproducer means the same thing on every run.
inline constexpr int64_t kNow = 1'700'000'000;

// Keys generated once per fuzzer process (never committed, never read from disk): one per key
// family the verifier handles, each under kid "fuzz-<alg>", and the key set holding their
// public halves. The seed corpora name these kids.
struct FuzzKeys {
    std::vector<jwt::SigningKey> signers;  // RS256, ES256, EdDSA, HS256
    std::shared_ptr<jwt::KeySet> keySet;
};

const FuzzKeys& fuzzKeys();

}  // namespace rampart::fuzz
