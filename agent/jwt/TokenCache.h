#pragma once

#include <array>
#include <cstring>
#include <atomic>
#include <cstdint>
#include <memory>
#include <string_view>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/synchronization/mutex.h"
#include "jwt/Claims.h"

namespace rampart::jwt {

using TokenDigest = std::array<uint8_t, 32>;

// SHA-256 of the token: the cache never stores tokens, and a collision cannot be forced.
TokenDigest digestToken(std::string_view token);

// Remembers tokens that verified, so a token seen again skips parsing and signature checks.
// Bounded (a fixed number of entries, oldest replaced first), sharded so threads rarely meet on
// a lock, and safe: an entry is never served after its validUntil, nor after the key set it was
// verified with was replaced (entries carry the key-set generation).
class TokenCache {
public:
    explicit TokenCache(size_t capacity, size_t shardCount = 64);

    std::shared_ptr<const VerifiedClaims> find(const TokenDigest& digest, int64_t nowSeconds,
                                               uint64_t keyGeneration);
    void insert(const TokenDigest& digest, std::shared_ptr<const VerifiedClaims> claims,
                int64_t validUntilSeconds, uint64_t keyGeneration);
    void clear();

    size_t size() const;
    size_t capacity() const { return capacity_; }

private:
    struct DigestHash {
        size_t operator()(const TokenDigest& d) const {
            uint64_t h;
            std::memcpy(&h, d.data() + 8, sizeof h);  // bytes 0..7 pick the shard
            return h;
        }
    };
    struct Entry {
        std::shared_ptr<const VerifiedClaims> claims;
        int64_t validUntil;
        uint64_t keyGeneration;
        uint64_t slot;  // which ring slot owns this entry
    };
    struct alignas(64) Shard {
        mutable absl::Mutex mutex;
        absl::flat_hash_map<TokenDigest, Entry, DigestHash> entries;
        // Insertion order: the ring's next slot holds the entry to replace when full.
        std::vector<TokenDigest> ring;
        uint64_t nextSlot = 0;
    };

    Shard& shardFor(const TokenDigest& digest);

    size_t capacity_;
    size_t perShard_;
    std::vector<std::unique_ptr<Shard>> shards_;
};

}  // namespace rampart::jwt
