#include "limits/KeyHash.h"

#include <openssl/rand.h>

#include "absl/hash/hash.h"

namespace rampart::limits {
namespace {

uint64_t processSeed() {
    static const uint64_t seed = [] {
        uint64_t value = 0x9e3779b97f4a7c15ULL;
        RAND_bytes(reinterpret_cast<unsigned char*>(&value), sizeof value);
        return value;
    }();
    return seed;
}

}  // namespace

uint64_t mixKey(uint64_t value) {
    uint64_t z = value + processSeed();
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    z ^= z >> 31;
    return z == 0 ? 1 : z;
}

uint64_t subjectKey(std::string_view subject) {
    // absl::Hash is itself seeded per process; the mix adds our domain separation.
    return mixKey(absl::Hash<absl::string_view>()(absl::string_view(subject.data(), subject.size())) ^
                  0x737562);  // "sub"
}

}  // namespace rampart::limits
