// In-process costs of the hot path: full verification per algorithm (no cache), a cached check,
// and the token digest. Compare the verify rates with `openssl speed` of the same primitives
// (bench/run-benchmarks.sh does both in one run).
#include <benchmark/benchmark.h>

#include <chrono>
#include <map>
#include <string>
#include <vector>

#include "engine/CheckEngine.h"
#include "jwt/JwksParser.h"
#include "jwt/SigningKey.h"
#include "jwt/Verifier.h"

namespace {

using rampart::jwt::Algorithm;

struct Fixture {
    std::shared_ptr<rampart::jwt::KeySet> keys;
    std::string token;
};

const Fixture& fixtureFor(Algorithm alg) {
    static std::map<Algorithm, Fixture> cache;
    auto it = cache.find(alg);
    if (it != cache.end()) return it->second;
    auto key = rampart::jwt::SigningKey::generate(alg, "bench");
    auto parsed = rampart::jwt::parseJwks(rampart::jwt::jwksOf({key->publicJwk()}), {});
    // A realistic access token: the registered claims plus scope, about 300 bytes.
    const std::string token = key->mint(
        R"({"iss":"https://idp.example.com/","sub":"user-1234567890","aud":"api.example.com",)"
        R"("exp":4102444800,"iat":1700000000,"jti":"6f1c2d3e-4a5b-6c7d-8e9f-0a1b2c3d4e5f",)"
        R"("scope":"openid profile orders:read orders:write","client_id":"web-frontend"})");
    return cache.emplace(alg, Fixture{parsed->keys, token}).first->second;
}

void BM_Verify(benchmark::State& state, Algorithm alg) {
    const auto& f = fixtureFor(alg);
    rampart::jwt::Verifier verifier({});
    for (auto _ : state) {
        auto outcome = verifier.verify(f.token, *f.keys, 1'800'000'000);
        if (outcome.verdict != rampart::Verdict::Allow) state.SkipWithError("token refused");
        benchmark::DoNotOptimize(outcome);
    }
    state.SetItemsProcessed(state.iterations());
}

void BM_CheckCached(benchmark::State& state) {
    static const auto& f = fixtureFor(Algorithm::ES256);
    static rampart::jwt::KeyStore store;
    static rampart::CheckEngine* engine = [] {
        store.replace(f.keys);
        return new rampart::CheckEngine({}, store, [] { return int64_t{1'800'000'000}; });
    }();
    for (auto _ : state) {
        auto result = engine->check({f.token, "203.0.113.7", ""});
        benchmark::DoNotOptimize(result);
    }
    state.SetItemsProcessed(state.iterations());
}

// Operator client blocks: 10,000 of them (the control plane's bound), none holding the client,
// so every check looks at all of them. Before the index, a linear scan cost ~90 µs a check.
std::vector<rampart::limits::Cidr> manyBlocks(int count) {
    std::vector<rampart::limits::Cidr> blocks;
    for (int i = 0; i < count; ++i) {
        const std::string text = "198." + std::to_string(16 + (i >> 16) % 4) + "." +
                                 std::to_string((i >> 8) & 255) + "." + std::to_string(i & 255) +
                                 (i % 4 ? "/32" : "/31");
        blocks.push_back(*rampart::limits::Cidr::parse(text));
    }
    return blocks;
}

void BM_CheckCachedWithOperatorBlocks(benchmark::State& state) {
    static const auto& f = fixtureFor(Algorithm::ES256);
    static rampart::jwt::KeyStore store;
    store.replace(f.keys);
    rampart::CheckEngine engine({}, store, [] { return int64_t{1'800'000'000}; });
    rampart::control::RuleSet rules;
    for (const auto& block : manyBlocks(static_cast<int>(state.range(0)))) {
        rules.clients.add(block, 1'900'000'000);
    }
    engine.rules().publish(std::move(rules));
    for (auto _ : state) {
        auto result = engine.check({f.token, "203.0.113.7", ""});
        benchmark::DoNotOptimize(result);
    }
    state.SetItemsProcessed(state.iterations());
}

// The baseline the index replaced, in the same run: one Cidr::contains per block.
void BM_LinearScanOfOperatorBlocks(benchmark::State& state) {
    const auto blocks = manyBlocks(static_cast<int>(state.range(0)));
    const auto client = *rampart::limits::IpAddress::parse("203.0.113.7");
    for (auto _ : state) {
        bool blocked = false;
        for (const auto& block : blocks) blocked |= block.contains(client);
        benchmark::DoNotOptimize(blocked);
    }
    state.SetItemsProcessed(state.iterations());
}

void BM_DigestToken(benchmark::State& state) {
    const auto& f = fixtureFor(Algorithm::ES256);
    for (auto _ : state) benchmark::DoNotOptimize(rampart::jwt::digestToken(f.token));
    state.SetBytesProcessed(state.iterations() * f.token.size());
}

}  // namespace

BENCHMARK_CAPTURE(BM_Verify, RS256, Algorithm::RS256);
BENCHMARK_CAPTURE(BM_Verify, PS256, Algorithm::PS256);
BENCHMARK_CAPTURE(BM_Verify, ES256, Algorithm::ES256);
BENCHMARK_CAPTURE(BM_Verify, ES384, Algorithm::ES384);
BENCHMARK_CAPTURE(BM_Verify, EdDSA, Algorithm::EdDSA);
BENCHMARK_CAPTURE(BM_Verify, HS256, Algorithm::HS256);
BENCHMARK(BM_CheckCached)->Threads(1)->Threads(2);
BENCHMARK(BM_DigestToken);
BENCHMARK(BM_CheckCachedWithOperatorBlocks)->Arg(0)->Arg(10'000);
BENCHMARK(BM_LinearScanOfOperatorBlocks)->Arg(10'000);

BENCHMARK_MAIN();
