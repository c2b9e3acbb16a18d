#include "jwt/TokenCache.h"

#include <algorithm>

#include "jwt/OpenSsl.h"

namespace rampart::jwt {

TokenDigest digestToken(std::string_view token) {
    static const EvpMdPtr sha256 = fetchDigest("SHA256");
    thread_local EvpMdCtxPtr ctx(EVP_MD_CTX_new());
    TokenDigest digest{};
    unsigned int size = 0;
    EVP_DigestInit_ex2(ctx.get(), sha256.get(), nullptr);
    EVP_DigestUpdate(ctx.get(), token.data(), token.size());
    EVP_DigestFinal_ex(ctx.get(), digest.data(), &size);
    return digest;
}

// Never more shards than entries: every shard holds at least one entry, so surplus shards
// would together hold more than the capacity.
TokenCache::TokenCache(size_t capacity, size_t shardCount)
    : capacity_(capacity),
      perShard_(capacity == 0 ? 1 : capacity / std::clamp<size_t>(shardCount, 1, capacity)) {
    const size_t shards = capacity == 0 ? 0 : std::clamp<size_t>(shardCount, 1, capacity);
    for (size_t i = 0; i < shards; ++i) {
        auto shard = std::make_unique<Shard>();
        shard->entries.reserve(perShard_);
        shard->ring.resize(perShard_);
        shards_.push_back(std::move(shard));
    }
}

TokenCache::Shard& TokenCache::shardFor(const TokenDigest& digest) {
    uint64_t h;
    std::memcpy(&h, digest.data(), sizeof h);
    return *shards_[h % shards_.size()];
}

std::shared_ptr<const VerifiedClaims> TokenCache::find(const TokenDigest& digest,
                                                       int64_t nowSeconds,
                                                       uint64_t keyGeneration) {
    if (shards_.empty()) return nullptr;
    Shard& shard = shardFor(digest);
    absl::MutexLock lock(&shard.mutex);
    auto it = shard.entries.find(digest);
    if (it == shard.entries.end()) return nullptr;
    if (nowSeconds >= it->second.validUntil || it->second.keyGeneration != keyGeneration) {
        shard.entries.erase(it);
        return nullptr;
    }
    return it->second.claims;
}

void TokenCache::insert(const TokenDigest& digest, std::shared_ptr<const VerifiedClaims> claims,
                        int64_t validUntilSeconds, uint64_t keyGeneration) {
    if (shards_.empty()) return;
    Shard& shard = shardFor(digest);
    absl::MutexLock lock(&shard.mutex);
    if (auto it = shard.entries.find(digest); it != shard.entries.end()) {
        it->second.claims = std::move(claims);
        it->second.validUntil = validUntilSeconds;
        it->second.keyGeneration = keyGeneration;
        return;
    }
    const uint64_t slot = shard.nextSlot++;
    TokenDigest& victim = shard.ring[slot % perShard_];
    // The slot's previous owner is the oldest entry; drop it if it still lives there.
    if (slot >= perShard_) {
        if (auto old = shard.entries.find(victim);
            old != shard.entries.end() && old->second.slot == slot - perShard_) {
            shard.entries.erase(old);
        }
    }
    victim = digest;
    shard.entries.emplace(digest, Entry{std::move(claims), validUntilSeconds, keyGeneration, slot});
}

void TokenCache::clear() {
    for (auto& shard : shards_) {
        absl::MutexLock lock(&shard->mutex);
        shard->entries.clear();
    }
}

size_t TokenCache::size() const {
    size_t total = 0;
    for (const auto& shard : shards_) {
        absl::MutexLock lock(&shard->mutex);
        total += shard->entries.size();
    }
    return total;
}

}  // namespace rampart::jwt
