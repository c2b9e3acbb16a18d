#include "AgentTestBed.h"

#include <curl/curl.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <memory>

namespace rampart::testing {
namespace {

jwt::SigningKey generated(jwt::Algorithm alg, const std::string& kid) {
    auto key = jwt::SigningKey::generate(alg, kid);
    if (!key.ok()) throw std::runtime_error("key generation failed");
    return std::move(*key);
}

int64_t nowSeconds() {
    return std::chrono::duration_cast<std::chrono::seconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
}

std::string_view trimmed(std::string_view s) {
    while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
    while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
    return s;
}

size_t appendBody(char* data, size_t size, size_t count, void* reply) {
    static_cast<HttpReply*>(reply)->body.append(data, size * count);
    return size * count;
}

size_t appendHeader(char* data, size_t size, size_t count, void* reply) {
    auto& out = *static_cast<HttpReply*>(reply);
    const std::string_view line(data, size * count);
    // A later status line (after a 100 Continue) starts a new set of headers.
    if (line.starts_with("HTTP/")) out.headers.clear();
    if (const size_t colon = line.find(':'); colon != std::string_view::npos) {
        out.headers.emplace_back(std::string(trimmed(line.substr(0, colon))),
                                 std::string(trimmed(line.substr(colon + 1))));
    }
    return size * count;
}

}  // namespace

AgentTestBed::AgentTestBed(std::string_view extraYaml)
    : keyA(generated(jwt::Algorithm::ES256, "key-a")),
      keyB(generated(jwt::Algorithm::EdDSA, "key-b")),
      jwksPath(dir.file("jwks.json")),
      configPath(dir.file("agent.yaml")),
      agent(dir.path(), configPath) {
    publishKeys({&keyA});
    dir.write("agent.yaml", R"(
node_id: test-node
listen:
  grpc: 127.0.0.1:0
server:
  shutdown_grace: 5s
jwt:
  keys:
    file: jwks.json
    watch_interval: 100ms
  leeway: 0s
log:
  level: info
)" + std::string(extraYaml) + "\n");
}

void AgentTestBed::publishKeys(std::initializer_list<const jwt::SigningKey*> keys) {
    std::string jwks = "{\"keys\":[";
    bool first = true;
    for (const auto* key : keys) {
        if (!first) jwks += ',';
        jwks += key->publicJwk();
        first = false;
    }
    dir.write("jwks.json", jwks + "]}");
}

std::string AgentTestBed::validToken(const jwt::SigningKey& key, const std::string& subject) const {
    return key.mint("{\"sub\":\"" + subject + "\",\"exp\":" + std::to_string(nowSeconds() + 600) +
                    "}");
}

std::shared_ptr<grpc::Channel> AgentTestBed::channel() const {
    return grpc::CreateChannel(agent.address(), grpc::InsecureChannelCredentials());
}

std::unique_ptr<v1::Auth::Stub> AgentTestBed::authStub() const {
    return v1::Auth::NewStub(channel());
}

grpc::Status AgentTestBed::check(v1::Auth::Stub& stub, const std::string& token,
                                 v1::CheckResponse& out) const {
    grpc::ClientContext context;
    context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(5));
    v1::CheckRequest request;
    request.set_token(token);
    request.set_client_ip("127.0.0.1");
    return stub.Check(&context, request, &out);
}

std::string HttpReply::header(std::string_view name) const {
    const auto sameLetters = [](char a, char b) {
        return std::tolower(static_cast<unsigned char>(a)) ==
               std::tolower(static_cast<unsigned char>(b));
    };
    for (const auto& [key, value] : headers) {
        if (std::ranges::equal(key, name, sameLetters)) return value;
    }
    return {};
}

HttpReply httpGet(const std::string& url, const std::vector<std::string>& headers,
                  const std::string& sourceAddress) {
    HttpReply reply;
    const std::unique_ptr<CURL, decltype(&curl_easy_cleanup)> curl(curl_easy_init(),
                                                                   curl_easy_cleanup);
    curl_slist* list = nullptr;
    for (const auto& header : headers) list = curl_slist_append(list, header.c_str());
    const std::unique_ptr<curl_slist, decltype(&curl_slist_free_all)> listOwner(
        list, curl_slist_free_all);
    const std::string interface = "host!" + sourceAddress;
    curl_easy_setopt(curl.get(), CURLOPT_URL, url.c_str());
    curl_easy_setopt(curl.get(), CURLOPT_HTTPHEADER, list);
    curl_easy_setopt(curl.get(), CURLOPT_NOPROXY, "*");  // loopback, whatever http_proxy says
    curl_easy_setopt(curl.get(), CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(curl.get(), CURLOPT_TIMEOUT_MS, 10'000L);
    if (!sourceAddress.empty()) curl_easy_setopt(curl.get(), CURLOPT_INTERFACE, interface.c_str());
    curl_easy_setopt(curl.get(), CURLOPT_WRITEFUNCTION, appendBody);
    curl_easy_setopt(curl.get(), CURLOPT_WRITEDATA, &reply);
    curl_easy_setopt(curl.get(), CURLOPT_HEADERFUNCTION, appendHeader);
    curl_easy_setopt(curl.get(), CURLOPT_HEADERDATA, &reply);
    if (const CURLcode rc = curl_easy_perform(curl.get()); rc != CURLE_OK) {
        reply.error = curl_easy_strerror(rc);
        return reply;
    }
    curl_easy_getinfo(curl.get(), CURLINFO_RESPONSE_CODE, &reply.status);
    return reply;
}

void appendAudit(const std::filesystem::path& log, int first, int count, size_t beforeBytes) {
    std::ofstream out(log, std::ios::app);
    const auto now = std::chrono::duration_cast<std::chrono::milliseconds>(
                         std::chrono::system_clock::now().time_since_epoch())
                         .count();
    for (int i = first; i < first + count; ++i) {
        out << "{\"time_unix_ms\":" << now << ",\"actor\":\"operator\",\"role\":\"operator\","
            << "\"action\":\"action-" << i << "\",\"before\":\"" << std::string(beforeBytes, 'x')
            << "\",\"after\":\"\",\"result\":\"ok\"}\n";
    }
}

}  // namespace rampart::testing
