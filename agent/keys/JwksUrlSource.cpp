#include "keys/JwksUrlSource.h"

#include <curl/curl.h>

#include <memory>
#include <mutex>

#include "jwt/JwksParser.h"

namespace rampart::keys {
namespace {

struct CurlFree {
    void operator()(CURL* c) const { curl_easy_cleanup(c); }
};

size_t appendBounded(char* data, size_t size, size_t count, void* user) {
    auto* body = static_cast<std::string*>(user);
    const size_t bytes = size * count;
    if (body->size() + bytes > jwt::kMaxJwksBytes) return 0;  // aborts the transfer
    body->append(data, bytes);
    return bytes;
}

}  // namespace

JwksUrlSource::JwksUrlSource(std::string url, std::string caFile,
                             std::chrono::milliseconds refreshInterval,
                             std::chrono::milliseconds timeout)
    : url_(std::move(url)),
      caFile_(std::move(caFile)),
      refreshInterval_(refreshInterval),
      timeout_(timeout) {
    static std::once_flag once;
    std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

std::string JwksUrlSource::describe() const {
    return "url " + url_.substr(0, url_.find_first_of("?#"));
}

absl::StatusOr<std::string> JwksUrlSource::fetch() {
    std::unique_ptr<CURL, CurlFree> curl(curl_easy_init());
    if (!curl) return absl::InternalError("cannot initialise libcurl");
    std::string body;
    char error[CURL_ERROR_SIZE] = {};
    CURL* c = curl.get();
    curl_easy_setopt(c, CURLOPT_URL, url_.c_str());
    curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "https");
    curl_easy_setopt(c, CURLOPT_REDIR_PROTOCOLS_STR, "https");
    curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 1L);
    curl_easy_setopt(c, CURLOPT_MAXREDIRS, 3L);
    curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, static_cast<long>(timeout_.count()));
    curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(timeout_.count()));
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);  // threads: no SIGALRM-based DNS timeouts
    curl_easy_setopt(c, CURLOPT_SSL_VERIFYPEER, 1L);
    curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST, 2L);
    if (!caFile_.empty()) curl_easy_setopt(c, CURLOPT_CAINFO, caFile_.c_str());
    curl_easy_setopt(c, CURLOPT_USERAGENT, "rampart-agent");
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, appendBounded);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, &body);
    curl_easy_setopt(c, CURLOPT_ERRORBUFFER, error);

    const CURLcode result = curl_easy_perform(c);
    if (result == CURLE_WRITE_ERROR) {
        return absl::ResourceExhaustedError("JWKS response is larger than the 1 MiB limit");
    }
    if (result != CURLE_OK) {
        return absl::UnavailableError(std::string("fetch failed: ") +
                                      (error[0] ? error : curl_easy_strerror(result)));
    }
    long status = 0;
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
    if (status != 200) {
        return absl::UnavailableError("fetch failed: HTTP status " + std::to_string(status));
    }
    return body;
}

}  // namespace rampart::keys
