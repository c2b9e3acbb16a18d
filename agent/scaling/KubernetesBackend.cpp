#include "scaling/KubernetesBackend.h"

#include <curl/curl.h>
#include <spdlog/spdlog.h>

#include <cstdint>
#include <fstream>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "absl/strings/strip.h"
#include "common/CredentialFile.h"

namespace rampart::scaling {
namespace {

// A Scale object is a few hundred bytes; an error Status a few more.
constexpr size_t kMaxResponseBytes = 1024 * 1024;
// The API server's messages can quote whole objects; an error line does not need all of it.
constexpr size_t kMaxMessageBytes = 512;

struct CurlFree {
    void operator()(CURL* curl) const { curl_easy_cleanup(curl); }
};
struct SlistFree {
    void operator()(curl_slist* list) const { curl_slist_free_all(list); }
};

struct HttpReply {
    long status = 0;
    std::string body;
};

size_t appendBounded(char* data, size_t size, size_t count, void* user) {
    auto* body = static_cast<std::string*>(user);
    const size_t bytes = size * count;
    if (body->size() + bytes > kMaxResponseBytes) return 0;  // aborts the transfer
    body->append(data, bytes);
    return bytes;
}


// Kubernetes object names: a DNS-1123 label for a namespace, a subdomain for a Deployment. Also
// what keeps a configured name from walking the URL path.
bool isObjectName(absl::string_view name, size_t maxLength, bool dotsAllowed) {
    if (name.empty() || name.size() > maxLength) return false;
    if (!absl::ascii_isalnum(name.front()) || !absl::ascii_isalnum(name.back())) return false;
    for (const char c : name) {
        const bool ok = absl::ascii_islower(c) || absl::ascii_isdigit(c) || c == '-' ||
                        (dotsAllowed && c == '.');
        if (!ok) return false;
    }
    return true;
}

absl::StatusCode codeForHttpStatus(long status) {
    switch (status) {
        case 400:
        case 422:
            return absl::StatusCode::kInvalidArgument;
        case 401:
            return absl::StatusCode::kUnauthenticated;
        case 403:
            return absl::StatusCode::kPermissionDenied;
        case 404:
            return absl::StatusCode::kNotFound;
        case 409:
            return absl::StatusCode::kAborted;
        case 429:
            return absl::StatusCode::kResourceExhausted;
        default:
            return status >= 500 ? absl::StatusCode::kUnavailable : absl::StatusCode::kUnknown;
    }
}

// "HTTP 403: deployments.apps "web" is forbidden: ..." — the message of a metav1.Status body
// when the API server sent one.
std::string describeReply(const HttpReply& reply) {
    std::string text = absl::StrCat("HTTP ", reply.status);
    const auto json = nlohmann::json::parse(reply.body, nullptr, /*allow_exceptions=*/false);
    if (json.is_object() && json.contains("kind") && json["kind"] == "Status") {
        const auto message = json.find("message");
        if (message != json.end() && message->is_string()) {
            const auto& value = message->get_ref<const std::string&>();
            absl::StrAppend(&text, ": ", value.substr(0, kMaxMessageBytes),
                            value.size() > kMaxMessageBytes ? "..." : "");
        }
    }
    return text;
}

absl::Status errorFor(const HttpReply& reply, absl::string_view method) {
    return absl::Status(codeForHttpStatus(reply.status),
                        absl::StrCat("the Kubernetes API refused the ", method,
                                     " of the scale: ", describeReply(reply)));
}

// Counts in a Scale are int32 and spec.replicas is omitted when zero (omitempty).
std::optional<uint32_t> replicasIn(const nlohmann::json& section) {
    const auto replicas = section.find("replicas");
    if (replicas == section.end()) return 0;
    if (!replicas->is_number_integer()) return std::nullopt;
    const auto value = replicas->get<int64_t>();
    if (value < 0 || value > INT32_MAX) return std::nullopt;
    return static_cast<uint32_t>(value);
}

absl::StatusOr<KubernetesBackend::Scale> parseScale(const std::string& body) {
    const auto json = nlohmann::json::parse(body, nullptr, /*allow_exceptions=*/false);
    if (!json.is_object()) {
        return absl::UnknownError("the Kubernetes API answered with something other than JSON");
    }
    const auto spec = json.find("spec");
    if (spec == json.end() || !spec->is_object()) {
        return absl::UnknownError("the Kubernetes API answered without a Scale spec");
    }
    const auto status = json.find("status");
    const auto desired = replicasIn(*spec);
    const auto observed = status != json.end() && status->is_object() ? replicasIn(*status)
                                                                      : std::optional<uint32_t>(0);
    if (!desired || !observed) {
        return absl::UnknownError("the Kubernetes API answered with a malformed replica count");
    }
    return KubernetesBackend::Scale{*desired, *observed};
}

// One request to the API server. The token goes into one header and nowhere else: not into
// errors, logs or the audit detail.
absl::StatusOr<HttpReply> send(const ScalingConfig::Kubernetes& config, const std::string& url,
                               const char* method, const std::string* patch) {
    auto token = readCredentialFile(config.tokenFile, "service-account token file");
    if (!token.ok()) return token.status();

    std::unique_ptr<CURL, CurlFree> curl(curl_easy_init());
    if (!curl) return absl::InternalError("cannot initialise libcurl");
    std::unique_ptr<curl_slist, SlistFree> headers;
    const auto addHeader = [&headers](const std::string& header) {
        curl_slist* grown = curl_slist_append(headers.get(), header.c_str());
        if (grown && !headers) headers.reset(grown);  // later appends keep the same head
        return grown != nullptr;
    };
    if (!addHeader(absl::StrCat("Authorization: Bearer ", *token)) ||
        !addHeader("Accept: application/json") ||
        (patch && !addHeader("Content-Type: application/merge-patch+json"))) {
        return absl::ResourceExhaustedError("cannot build the request headers");
    }

    HttpReply reply;
    char error[CURL_ERROR_SIZE] = {};
    CURL* c = curl.get();
    curl_easy_setopt(c, CURLOPT_URL, url.c_str());
    curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "https");
    curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L);  // a redirect would carry the token elsewhere
    curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, static_cast<long>(config.timeout.count()));
    curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(config.timeout.count()));
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);  // threads: no SIGALRM-based DNS timeouts
    curl_easy_setopt(c, CURLOPT_SSL_VERIFYPEER, 1L);
    curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST, 2L);
    if (!config.caFile.empty()) curl_easy_setopt(c, CURLOPT_CAINFO, config.caFile.c_str());
    curl_easy_setopt(c, CURLOPT_USERAGENT, "rampart-agent");
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, headers.get());
    curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, method);
    if (patch) {
        curl_easy_setopt(c, CURLOPT_POSTFIELDS, patch->c_str());
        curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE, static_cast<long>(patch->size()));
    }
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, appendBounded);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, &reply.body);
    curl_easy_setopt(c, CURLOPT_ERRORBUFFER, error);

    const CURLcode result = curl_easy_perform(c);
    if (result == CURLE_WRITE_ERROR) {
        return absl::ResourceExhaustedError("the Kubernetes API response is larger than 1 MiB");
    }
    if (result == CURLE_OPERATION_TIMEDOUT) {
        return absl::DeadlineExceededError(absl::StrCat("the Kubernetes API did not answer within ",
                                                        config.timeout.count(), " ms"));
    }
    if (result != CURLE_OK) {
        return absl::UnavailableError(absl::StrCat("cannot reach the Kubernetes API: ",
                                                   error[0] ? error : curl_easy_strerror(result)));
    }
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &reply.status);
    return reply;
}

}  // namespace

KubernetesBackend::KubernetesBackend(const ScalingConfig& config)
    : config_(config.kubernetes),
      minReplicas_(config.minReplicas),
      maxReplicas_(config.maxReplicas) {
    static std::once_flag once;
    std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

absl::StatusOr<std::string> KubernetesBackend::scaleUrl() const {
    if (!absl::StartsWithIgnoreCase(config_.apiServer, "https://")) {
        return absl::FailedPreconditionError(
            "the Kubernetes API server must be an https:// URL: a bearer token never goes out in "
            "the clear");
    }
    std::string namespaceName = config_.namespaceName;
    if (namespaceName.empty()) {
        auto fromFile = readCredentialFile(config_.namespaceFile, "namespace file");
        if (!fromFile.ok()) return fromFile.status();
        namespaceName = *std::move(fromFile);
    }
    if (!isObjectName(namespaceName, 63, /*dotsAllowed=*/false)) {
        return absl::FailedPreconditionError(
            absl::StrCat("\"", namespaceName, "\" is not a Kubernetes namespace name"));
    }
    if (!isObjectName(config_.deployment, 253, /*dotsAllowed=*/true)) {
        return absl::FailedPreconditionError(
            absl::StrCat("\"", config_.deployment, "\" is not a Kubernetes Deployment name"));
    }
    absl::string_view server = config_.apiServer;
    while (absl::ConsumeSuffix(&server, "/")) {
    }
    return absl::StrCat(server, "/apis/apps/v1/namespaces/", namespaceName, "/deployments/",
                        config_.deployment, "/scale");
}

absl::StatusOr<KubernetesBackend::Scale> KubernetesBackend::scale() {
    auto url = scaleUrl();
    if (!url.ok()) return url.status();
    auto reply = send(config_, *url, "GET", nullptr);
    if (!reply.ok()) return reply.status();
    if (reply->status < 200 || reply->status > 299) return errorFor(*reply, "GET");
    return parseScale(reply->body);
}

absl::StatusOr<uint32_t> KubernetesBackend::current() {
    auto current = scale();
    if (!current.ok()) return current.status();
    return current->desired;
}

absl::Status KubernetesBackend::scaleTo(uint32_t replicas, std::string& detail) {
    detail.clear();
    if (replicas < minReplicas_ || replicas > maxReplicas_) {
        return absl::InvalidArgumentError(absl::StrCat(replicas, " replicas is outside [",
                                                       minReplicas_, ", ", maxReplicas_, "]"));
    }
    auto url = scaleUrl();
    if (!url.ok()) return url.status();
    // RFC 7396 merge patch: only spec.replicas changes, whatever else the Scale holds.
    const std::string patch = nlohmann::json{{"spec", {{"replicas", replicas}}}}.dump();
    auto reply = send(config_, *url, "PATCH", &patch);
    if (!reply.ok()) {
        detail = std::string(reply.status().message());
        spdlog::warn("kubernetes scale failed deployment={} replicas={} error=\"{}\"",
                     config_.deployment, replicas, detail);
        return reply.status();
    }
    detail = describeReply(*reply);
    if (reply->status < 200 || reply->status > 299) {
        spdlog::warn("kubernetes scale refused deployment={} replicas={} reply=\"{}\"",
                     config_.deployment, replicas, detail);
        return errorFor(*reply, "PATCH");
    }
    if (auto applied = parseScale(reply->body); applied.ok()) {
        absl::StrAppend(&detail, ", spec.replicas ", applied->desired, ", status.replicas ",
                        applied->observed);
    }
    spdlog::info("kubernetes scale patched deployment={} replicas={}", config_.deployment,
                 replicas);
    return absl::OkStatus();
}

std::unique_ptr<ScalingBackend> makeKubernetesBackend(const ScalingConfig& config) {
    return std::make_unique<KubernetesBackend>(config);
}

}  // namespace rampart::scaling
