#include "jwt/OpenSsl.h"

#include <openssl/err.h>

namespace rampart::jwt {

EvpMdPtr fetchDigest(const char* name) { return EvpMdPtr(EVP_MD_fetch(nullptr, name, nullptr)); }

std::string lastOpenSslError() {
    const unsigned long code = ERR_peek_last_error();
    ERR_clear_error();
    if (code == 0) return "unknown OpenSSL error";
    char buffer[256];
    ERR_error_string_n(code, buffer, sizeof buffer);
    return buffer;
}

}  // namespace rampart::jwt
