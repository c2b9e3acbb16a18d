#include "jwt/KeySet.h"

namespace rampart::jwt {

bool KeySet::add(VerificationKey key) {
    if (byKid_.contains(key.kid)) return false;
    auto owned = std::make_unique<VerificationKey>(std::move(key));
    byKid_.emplace(owned->kid, owned.get());
    keys_.push_back(std::move(owned));
    return true;
}

const VerificationKey* KeySet::find(std::string_view kid) const {
    auto it = byKid_.find(absl::string_view(kid.data(), kid.size()));
    return it == byKid_.end() ? nullptr : it->second;
}

const VerificationKey* KeySet::soleKey() const {
    return keys_.size() == 1 ? keys_.front().get() : nullptr;
}

std::string KeySet::summary() const {
    std::string out;
    for (const auto& key : keys_) {
        if (!out.empty()) out += ',';
        out += key->kid.empty() ? "(no kid)" : key->kid;
        out += ':';
        out += algorithmName(key->alg);
    }
    return out;
}

}  // namespace rampart::jwt
