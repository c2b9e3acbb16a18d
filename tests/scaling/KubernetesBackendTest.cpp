// The Kubernetes backend against an HTTPS stand-in for the API server on loopback.
#include <gtest/gtest.h>

#include <chrono>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>

#include "absl/strings/string_view.h"
#include "scaling/KubernetesBackend.h"
#include "support/HttpsStandIn.h"
#include "support/TempDir.h"

namespace rampart::scaling {
namespace {

using namespace std::chrono_literals;
using testing::HttpsStandIn;
using testing::StandInReply;
using testing::StandInRequest;

constexpr const char* kScalePath = "/apis/apps/v1/namespaces/launch/deployments/web/scale";

std::string scaleJson(int desired, int observed) {
    return nlohmann::json{
        {"kind", "Scale"},
        {"apiVersion", "autoscaling/v1"},
        {"metadata", {{"name", "web"}, {"namespace", "launch"}}},
        {"spec", {{"replicas", desired}}},
        {"status", {{"replicas", observed}, {"selector", "app=web"}}},
    }
        .dump();
}

std::string statusJson(int code, const std::string& reason, const std::string& message) {
    return nlohmann::json{{"kind", "Status"},   {"apiVersion", "v1"}, {"status", "Failure"},
                          {"message", message}, {"reason", reason},   {"code", code}}
        .dump();
}

// Answers like the API server: the Scale on GET, the patched Scale on PATCH.
StandInReply apiServer(const StandInRequest& request) {
    if (request.target != kScalePath) return {404, statusJson(404, "NotFound", "not found")};
    if (request.method == "GET") return {200, scaleJson(3, 2)};
    if (request.method == "PATCH") {
        const auto patch = nlohmann::json::parse(request.body, nullptr, false);
        const int replicas = patch.is_discarded() ? -1 : patch["spec"]["replicas"].get<int>();
        return {200, scaleJson(replicas, 3)};
    }
    return {405, statusJson(405, "MethodNotAllowed", "method not allowed")};
}

class KubernetesBackendTest : public ::testing::Test {
protected:
    void SetUp() override {
        dir.write("token", std::string(kToken) + "\n");
        ASSERT_TRUE(server.start());
    }

    ScalingConfig configFor(const HttpsStandIn& standIn) {
        ScalingConfig config;
        config.backend = "kubernetes";
        config.minReplicas = 1;
        config.maxReplicas = 20;
        config.kubernetes.apiServer = standIn.baseUrl();
        config.kubernetes.namespaceName = "launch";
        config.kubernetes.deployment = "web";
        config.kubernetes.tokenFile = dir.file("token").string();
        config.kubernetes.caFile = standIn.caFile().string();
        config.kubernetes.namespaceFile = dir.file("namespace").string();
        config.kubernetes.timeout = 5s;
        return config;
    }

    static void expectNoToken(absl::string_view text) {
        EXPECT_EQ(text.find(kToken), absl::string_view::npos) << text;
        EXPECT_EQ(text.find("Bearer"), absl::string_view::npos) << text;
    }

    static constexpr const char* kToken = "eyJhbGciOiJSUzI1NiJ9.service-account.first";

    testing::TempDir dir;
    HttpsStandIn server{apiServer};
};

TEST_F(KubernetesBackendTest, readsReplicasFromTheScaleSubresource) {
    KubernetesBackend backend(configFor(server));
    const auto current = backend.current();
    ASSERT_TRUE(current.ok()) << current.status();
    EXPECT_EQ(*current, 3u);
    const auto scale = backend.scale();
    ASSERT_TRUE(scale.ok()) << scale.status();
    EXPECT_EQ(scale->desired, 3u);
    EXPECT_EQ(scale->observed, 2u);

    const auto requests = server.requests();
    ASSERT_EQ(requests.size(), 2u);
    EXPECT_EQ(requests[0].method, "GET");
    EXPECT_EQ(requests[0].target, kScalePath);
    EXPECT_EQ(requests[0].header("authorization"), std::string("Bearer ") + kToken);
    EXPECT_EQ(requests[0].header("accept"), "application/json");
    EXPECT_TRUE(requests[0].body.empty());
}

TEST_F(KubernetesBackendTest, patchesSpecReplicasWithAMergePatch) {
    KubernetesBackend backend(configFor(server));
    std::string detail;
    const auto status = backend.scaleTo(5, detail);
    ASSERT_TRUE(status.ok()) << status;

    const auto requests = server.requests();
    ASSERT_EQ(requests.size(), 1u);
    const auto& patch = requests[0];
    EXPECT_EQ(patch.method, "PATCH");
    EXPECT_EQ(patch.target, kScalePath);
    EXPECT_EQ(patch.header("authorization"), std::string("Bearer ") + kToken);
    EXPECT_EQ(patch.header("content-type"), "application/merge-patch+json");
    EXPECT_EQ(patch.header("accept"), "application/json");
    const auto body = nlohmann::json::parse(patch.body, nullptr, false);
    EXPECT_EQ(body, (nlohmann::json{{"spec", {{"replicas", 5}}}})) << patch.body;

    EXPECT_NE(detail.find("HTTP 200"), std::string::npos) << detail;
    EXPECT_NE(detail.find("spec.replicas 5"), std::string::npos) << detail;
    expectNoToken(detail);
}

TEST_F(KubernetesBackendTest, namespaceComesFromTheServiceAccountFileByDefault) {
    dir.write("namespace", "team-a\n");
    auto config = configFor(server);
    config.kubernetes.namespaceName.clear();
    KubernetesBackend backend(config);
    (void)backend.current();
    const auto requests = server.requests();
    ASSERT_EQ(requests.size(), 1u);
    EXPECT_EQ(requests[0].target, "/apis/apps/v1/namespaces/team-a/deployments/web/scale");
}

TEST_F(KubernetesBackendTest, forbiddenCarriesTheApiServersMessage) {
    const std::string message =
        "deployments.apps \"web\" is forbidden: User \"system:serviceaccount:launch:rampart\" "
        "cannot patch resource \"deployments/scale\" in API group \"apps\"";
    HttpsStandIn refusing([&](const StandInRequest&) {
        return StandInReply{403, statusJson(403, "Forbidden", message)};
    });
    ASSERT_TRUE(refusing.start());
    KubernetesBackend backend(configFor(refusing));

    std::string detail;
    const auto status = backend.scaleTo(5, detail);
    EXPECT_EQ(status.code(), absl::StatusCode::kPermissionDenied) << status;
    EXPECT_NE(status.message().find("403"), std::string::npos) << status;
    EXPECT_NE(status.message().find(message), std::string::npos) << status;
    EXPECT_NE(detail.find(message), std::string::npos) << detail;
    expectNoToken(status.message());
    expectNoToken(detail);

    const auto current = backend.current();
    EXPECT_EQ(current.status().code(), absl::StatusCode::kPermissionDenied);
    expectNoToken(current.status().message());
}

TEST_F(KubernetesBackendTest, serverErrorIsAnError) {
    HttpsStandIn failing([](const StandInRequest&) { return StandInReply{500, "oops"}; });
    ASSERT_TRUE(failing.start());
    KubernetesBackend backend(configFor(failing));

    std::string detail;
    const auto status = backend.scaleTo(5, detail);
    EXPECT_EQ(status.code(), absl::StatusCode::kUnavailable) << status;
    EXPECT_NE(status.message().find("HTTP 500"), std::string::npos) << status;
    EXPECT_NE(detail.find("HTTP 500"), std::string::npos) << detail;
    EXPECT_FALSE(backend.current().ok());
}

TEST_F(KubernetesBackendTest, untrustedCertificateIsRefused) {
    HttpsStandIn stranger(apiServer);
    ASSERT_TRUE(stranger.start());
    auto config = configFor(server);
    config.kubernetes.caFile = stranger.caFile().string();  // a CA that did not sign the server
    KubernetesBackend backend(config);

    std::string detail;
    const auto status = backend.scaleTo(5, detail);
    EXPECT_EQ(status.code(), absl::StatusCode::kUnavailable) << status;
    EXPECT_FALSE(backend.current().ok());
    EXPECT_TRUE(server.requests().empty()) << "no request may go out over an unverified channel";
    expectNoToken(status.message());
    expectNoToken(detail);
}

TEST_F(KubernetesBackendTest, rotatedTokenIsSentOnTheNextCall) {
    KubernetesBackend backend(configFor(server));
    ASSERT_TRUE(backend.current().ok());
    const std::string rotated = "eyJhbGciOiJSUzI1NiJ9.service-account.second";
    dir.write("token", rotated);  // the kubelet swaps the file by rename, as this does
    std::string detail;
    ASSERT_TRUE(backend.scaleTo(4, detail).ok());

    const auto requests = server.requests();
    ASSERT_EQ(requests.size(), 2u);
    EXPECT_EQ(requests[0].header("authorization"), std::string("Bearer ") + kToken);
    EXPECT_EQ(requests[1].header("authorization"), "Bearer " + rotated);
    EXPECT_EQ(detail.find(rotated), std::string::npos) << detail;
}

TEST_F(KubernetesBackendTest, missingTokenFileIsAnErrorBeforeAnyRequest) {
    auto config = configFor(server);
    config.kubernetes.tokenFile = dir.file("no-token").string();
    KubernetesBackend backend(config);
    const auto status = backend.current().status();
    EXPECT_EQ(status.code(), absl::StatusCode::kFailedPrecondition) << status;
    EXPECT_NE(status.message().find("no-token"), std::string::npos) << status;
    EXPECT_TRUE(server.requests().empty());
}

TEST_F(KubernetesBackendTest, onlyHttpsApiServersAreUsed) {
    auto config = configFor(server);
    config.kubernetes.apiServer = "http://127.0.0.1:" + std::to_string(server.port());
    KubernetesBackend backend(config);
    std::string detail;
    EXPECT_EQ(backend.scaleTo(5, detail).code(), absl::StatusCode::kFailedPrecondition);
    EXPECT_TRUE(server.requests().empty());
}

TEST_F(KubernetesBackendTest, namesThatWouldBendThePathAreRefused) {
    for (const std::string name : {"../../secrets", "web/scale?x=", "Web", "", "web-"}) {
        auto config = configFor(server);
        config.kubernetes.deployment = name;
        EXPECT_EQ(KubernetesBackend(config).current().status().code(),
                  absl::StatusCode::kFailedPrecondition)
            << name;
    }
    auto config = configFor(server);
    config.kubernetes.namespaceName = "launch/../kube-system";
    EXPECT_EQ(KubernetesBackend(config).current().status().code(),
              absl::StatusCode::kFailedPrecondition);
    EXPECT_TRUE(server.requests().empty());
}

TEST_F(KubernetesBackendTest, countOutsideTheBoundsIsRefusedWithoutARequest) {
    KubernetesBackend backend(configFor(server));
    std::string detail;
    EXPECT_EQ(backend.scaleTo(0, detail).code(), absl::StatusCode::kInvalidArgument);
    EXPECT_EQ(backend.scaleTo(21, detail).code(), absl::StatusCode::kInvalidArgument);
    EXPECT_TRUE(server.requests().empty());
}

TEST_F(KubernetesBackendTest, deploymentScaledToZeroReadsAsZero) {
    // spec.replicas is omitempty in autoscaling/v1: zero is an empty spec.
    HttpsStandIn idle([](const StandInRequest&) {
        return StandInReply{200, R"({"kind":"Scale","spec":{},"status":{"replicas":0}})"};
    });
    ASSERT_TRUE(idle.start());
    const auto current = KubernetesBackend(configFor(idle)).current();
    ASSERT_TRUE(current.ok()) << current.status();
    EXPECT_EQ(*current, 0u);
}

TEST_F(KubernetesBackendTest, malformedScaleIsAnError) {
    for (const std::string body :
         {"not json", R"({"kind":"Scale"})", R"({"spec":{"replicas":"three"}})",
          R"({"spec":{"replicas":-1}})"}) {
        HttpsStandIn odd([&](const StandInRequest&) { return StandInReply{200, body}; });
        ASSERT_TRUE(odd.start());
        EXPECT_FALSE(KubernetesBackend(configFor(odd)).current().ok()) << body;
    }
}

TEST_F(KubernetesBackendTest, oversizedResponseIsCutOff) {
    HttpsStandIn flood([](const StandInRequest&) {
        return StandInReply{200, std::string(2 * 1024 * 1024, ' ') + "{}"};
    });
    ASSERT_TRUE(flood.start());
    const auto status = KubernetesBackend(configFor(flood)).current().status();
    EXPECT_EQ(status.code(), absl::StatusCode::kResourceExhausted) << status;
}

TEST_F(KubernetesBackendTest, slowApiServerHitsTheTimeout) {
    HttpsStandIn slow([](const StandInRequest&) {
        std::this_thread::sleep_for(1500ms);  // an API server stuck behind etcd
        return StandInReply{200, scaleJson(3, 3)};
    });
    ASSERT_TRUE(slow.start());
    auto config = configFor(slow);
    config.kubernetes.timeout = 300ms;
    const auto started = std::chrono::steady_clock::now();
    const auto status = KubernetesBackend(config).current().status();
    EXPECT_EQ(status.code(), absl::StatusCode::kDeadlineExceeded) << status;
    EXPECT_LT(std::chrono::steady_clock::now() - started, 1500ms);
}

TEST_F(KubernetesBackendTest, factoryMakesAKubernetesBackend) {
    EXPECT_EQ(makeKubernetesBackend(configFor(server))->name(), "kubernetes");
}

}  // namespace
}  // namespace rampart::scaling
