#include "jwt/VerificationKey.h"

#include <openssl/crypto.h>

namespace rampart::jwt {

SecretBytes::~SecretBytes() {
    if (!bytes_.empty()) OPENSSL_cleanse(bytes_.data(), bytes_.size());
}

}  // namespace rampart::jwt
