// The control plane of a real rampart-agent process, over real mutual TLS, with certificates
// made by scripts/make-dev-certs.sh, and its effect on the data plane.
#include <gtest/gtest.h>
#include <signal.h>

#include <sys/stat.h>

#include <atomic>
#include <cstdlib>
#include <fstream>
#include <thread>

#include "AgentTestBed.h"
#include "rampart/v1/ControlBounds.h"
#include "rampart/v1/control.grpc.pb.h"
#include "rpc/client/ControlChannel.h"
#include "support/FreePort.h"

namespace rampart::testing {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

bool makeDevCerts(const std::filesystem::path& dir) {
    const std::string command =
        "'" RAMPART_SOURCE_DIR "/scripts/make-dev-certs.sh' '" + dir.string() + "' >/dev/null 2>&1";
    return std::system(command.c_str()) == 0;
}

// A client certificate from the dev CA in `dir`, with this subject and these SANs
// ("DNS:operator"): DIR/name.crt and DIR/name.key.
bool issueClientCert(const std::filesystem::path& dir, const std::string& name,
                     const std::string& subject, const std::string& san) {
    const std::string command =
        "cd '" + dir.string() + "' && openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 " +
        "-nodes -subj '" + subject + "' -keyout " + name + ".key -out " + name + ".csr 2>/dev/null" +
        " && printf 'basicConstraints=CA:FALSE\\nkeyUsage=critical,digitalSignature\\n" +
        "extendedKeyUsage=clientAuth\\nsubjectAltName=" + san + "\\n' > " + name + ".ext" +
        " && openssl x509 -req -in " + name + ".csr -CA ca.crt -CAkey ca.key -CAcreateserial " +
        "-days 1 -extfile " + name + ".ext -out " + name + ".crt 2>/dev/null";
    return std::system(command.c_str()) == 0;
}

std::string controlYaml(double callRate, double callBurst) {
    return "control:\n"
           "  listen: 127.0.0.1:0\n"
           "  cert_file: certs/node.crt\n"
           "  key_file: certs/node.key\n"
           "  client_ca_file: certs/ca.crt\n"
           "  operators: [operator]\n"
           "  viewers: [viewer]\n"
           "  state_dir: state\n"
           "  call_rate: {rate: " +
           std::to_string(callRate) + ", burst: " + std::to_string(callBurst) + "}\n";
}

// Runs one unary call with a deadline, as every caller should.
template <typename Call>
grpc::Status unary(Call call) {
    grpc::ClientContext context;
    context.set_deadline(std::chrono::system_clock::now() + seconds(5));
    return call(context);
}

std::string codeName(const grpc::Status& status) {
    // clang-format off
    static const char* kNames[] = {"OK", "CANCELLED", "UNKNOWN", "INVALID_ARGUMENT",
                                   "DEADLINE_EXCEEDED", "NOT_FOUND", "ALREADY_EXISTS",
                                   "PERMISSION_DENIED", "RESOURCE_EXHAUSTED", "FAILED_PRECONDITION",
                                   "ABORTED", "OUT_OF_RANGE", "UNIMPLEMENTED", "INTERNAL",
                                   "UNAVAILABLE", "DATA_LOSS", "UNAUTHENTICATED"};
    // clang-format on
    const int code = status.error_code();
    return std::string(code >= 0 && code <= 16 ? kNames[code] : "?") + " (" +
           status.error_message() + ")";
}

// Each evaluates its call once, failing or not.
#define EXPECT_CODE(call, code)                                       \
    do {                                                              \
        const grpc::Status status_ = (call);                          \
        EXPECT_EQ(status_.error_code(), (code)) << codeName(status_); \
    } while (0)
#define ASSERT_OK(call)                                 \
    do {                                                \
        const grpc::Status status_ = (call);            \
        ASSERT_TRUE(status_.ok()) << codeName(status_); \
    } while (0)

class ControlPlaneTest : public ::testing::Test {
protected:
    // Each test starts its own agent: the limits it changes must not leak into the next.
    void startAgent(double callRate = 1000, double callBurst = 1000, const std::string& extraYaml = {}) {
        bed = std::make_unique<AgentTestBed>(controlYaml(callRate, callBurst) + extraYaml);
        certs = bed->dir.file("certs");
        ASSERT_TRUE(makeDevCerts(certs));
        ASSERT_TRUE(bed->agent.start()) << bed->agent.log();
        ASSERT_GT(bed->agent.controlPort(), 0) << bed->agent.log();
        auth = bed->authStub();
    }

    std::unique_ptr<v1::Control::Stub> control(const std::string& role) const {
        return controlWith({(certs / "ca.crt").string(), (certs / (role + ".crt")).string(),
                            (certs / (role + ".key")).string()});
    }

    std::unique_ptr<v1::Control::Stub> controlWith(const rpc::TlsFiles& tls) const {
        auto channel = rpc::makeControlChannel(bed->agent.controlAddress(), tls);
        EXPECT_TRUE(channel.ok()) << channel.status();
        return channel.ok() ? v1::Control::NewStub(*channel) : nullptr;
    }

    v1::CheckResponse check(const std::string& token, const std::string& clientIp) const {
        v1::CheckRequest request;
        request.set_token(token);
        request.set_client_ip(clientIp);
        v1::CheckResponse response;
        const auto status =
            unary([&](grpc::ClientContext& c) { return auth->Check(&c, request, &response); });
        EXPECT_TRUE(status.ok()) << codeName(status);
        return response;
    }
    v1::Verdict verdict(const std::string& token, const std::string& clientIp = "192.0.2.1") const {
        return check(token, clientIp).verdict();
    }
    std::string tokenWithId(const std::string& subject, const std::string& jti) const {
        const auto exp =
            std::chrono::duration_cast<seconds>(std::chrono::system_clock::now().time_since_epoch())
                .count() +
            600;
        return bed->keyA.mint("{\"sub\":\"" + subject + "\",\"jti\":\"" + jti +
                              "\",\"exp\":" + std::to_string(exp) + "}");
    }

    v1::Limits getLimits(v1::Control::Stub& stub) const {
        v1::Limits limits;
        const auto status = unary([&](grpc::ClientContext& c) {
            return stub.GetLimits(&c, v1::GetLimitsRequest(), &limits);
        });
        EXPECT_TRUE(status.ok()) << codeName(status);
        return limits;
    }

    grpc::Status updateLimits(v1::Control::Stub& stub, v1::Limits limits, uint64_t expected,
                              v1::Limits* out = nullptr) const {
        v1::UpdateLimitsRequest request;
        *request.mutable_limits() = std::move(limits);
        request.set_expected_revision(expected);
        request.set_reason("test");
        v1::Limits ignored;
        return unary([&](grpc::ClientContext& c) {
            return stub.UpdateLimits(&c, request, out ? out : &ignored);
        });
    }

    grpc::Status block(v1::Control::Stub& stub, v1::BlockKind kind, const std::string& value,
                       uint32_t seconds) const {
        v1::BlockRequest request;
        request.set_kind(kind);
        request.set_value(value);
        request.set_duration_seconds(seconds);
        request.set_reason("test");
        v1::BlockEntry entry;
        return unary([&](grpc::ClientContext& c) { return stub.Block(&c, request, &entry); });
    }

    grpc::Status revoke(v1::Control::Stub& stub, const std::string& subject, const std::string& jti,
                        uint32_t seconds = 600) const {
        v1::RevokeRequest request;
        request.set_subject(subject);
        request.set_jwt_id(jti);
        request.set_duration_seconds(seconds);
        v1::Revocation revocation;
        return unary([&](grpc::ClientContext& c) { return stub.Revoke(&c, request, &revocation); });
    }

    v1::BlockList listBlocks(v1::Control::Stub& stub) const {
        v1::BlockList list;
        const auto status = unary([&](grpc::ClientContext& c) {
            return stub.ListBlocks(&c, v1::ListBlocksRequest(), &list);
        });
        EXPECT_TRUE(status.ok()) << codeName(status);
        return list;
    }

    std::unique_ptr<AgentTestBed> bed;
    std::filesystem::path certs;
    std::unique_ptr<v1::Auth::Stub> auth;
};

TEST_F(ControlPlaneTest, callWithoutClientCertificateIsUnauthenticated) {
    startAgent();
    grpc::SslCredentialsOptions tls;
    tls.pem_root_certs = readFile(certs / "ca.crt");
    auto stub = v1::Control::NewStub(
        grpc::CreateChannel(bed->agent.controlAddress(), grpc::SslCredentials(tls)));
    v1::NodeInfo node;
    EXPECT_CODE(unary([&](grpc::ClientContext& c) {
                    return stub->GetNode(&c, v1::GetNodeRequest(), &node);
                }),
                grpc::StatusCode::UNAUTHENTICATED);
    v1::Limits limits;
    EXPECT_CODE(unary([&](grpc::ClientContext& c) {
                    return stub->GetLimits(&c, v1::GetLimitsRequest(), &limits);
                }),
                grpc::StatusCode::UNAUTHENTICATED);
    EXPECT_CODE(block(*stub, v1::CLIENT, "203.0.113.1", 60), grpc::StatusCode::UNAUTHENTICATED);
}

TEST_F(ControlPlaneTest, certificateFromAnotherCaIsRefused) {
    startAgent();
    const auto rogue = bed->dir.file("rogue");
    ASSERT_TRUE(makeDevCerts(rogue));
    // Trusts the node, but presents an "operator" certificate the node's client CA never signed.
    auto stub = controlWith({(certs / "ca.crt").string(), (rogue / "operator.crt").string(),
                             (rogue / "operator.key").string()});
    v1::NodeInfo node;
    const auto status = unary(
        [&](grpc::ClientContext& c) { return stub->GetNode(&c, v1::GetNodeRequest(), &node); });
    EXPECT_FALSE(status.ok());
    EXPECT_TRUE(status.error_code() == grpc::StatusCode::UNAVAILABLE ||
                status.error_code() == grpc::StatusCode::UNAUTHENTICATED)
        << codeName(status);
    EXPECT_CODE(block(*stub, v1::CLIENT, "203.0.113.1", 60), status.error_code());
}

TEST_F(ControlPlaneTest, viewerMayReadAndWatchButNotChange) {
    startAgent();
    auto viewer = control("viewer");
    v1::NodeInfo node;
    ASSERT_OK(unary(
        [&](grpc::ClientContext& c) { return viewer->GetNode(&c, v1::GetNodeRequest(), &node); }));
    EXPECT_EQ(node.node_id(), "test-node");
    EXPECT_EQ(node.caller_identity(), "viewer");
    EXPECT_EQ(node.caller_role(), "viewer");
    EXPECT_EQ(node.control_address(), bed->agent.controlAddress());
    ASSERT_EQ(node.key_set().keys_size(), 1);
    EXPECT_EQ(node.key_set().keys(0).kid(), "key-a");

    const auto limits = getLimits(*viewer);
    EXPECT_EQ(listBlocks(*viewer).blocks_size(), 0);
    v1::AuditLog audit;
    ASSERT_OK(unary([&](grpc::ClientContext& c) {
        return viewer->GetAudit(&c, v1::GetAuditRequest(), &audit);
    }));
    {
        grpc::ClientContext context;
        context.set_deadline(std::chrono::system_clock::now() + seconds(5));
        v1::WatchRequest request;
        request.set_interval_ms(100);
        auto reader = viewer->Watch(&context, request);
        v1::Snapshot snapshot;
        ASSERT_TRUE(reader->Read(&snapshot)) << codeName(reader->Finish());
        EXPECT_EQ(snapshot.sequence(), 1u);
        context.TryCancel();
        EXPECT_CODE(reader->Finish(), grpc::StatusCode::CANCELLED);
    }

    EXPECT_CODE(updateLimits(*viewer, limits, limits.revision()),
                grpc::StatusCode::PERMISSION_DENIED);
    EXPECT_CODE(block(*viewer, v1::CLIENT, "203.0.113.1", 60), grpc::StatusCode::PERMISSION_DENIED);
    EXPECT_CODE(block(*viewer, v1::SUBJECT, "mallory", 60), grpc::StatusCode::PERMISSION_DENIED);
    EXPECT_CODE(revoke(*viewer, "mallory", ""), grpc::StatusCode::PERMISSION_DENIED);
    v1::UnblockRequest unblock;
    unblock.set_kind(v1::CLIENT);
    unblock.set_value("203.0.113.1");
    v1::UnblockResponse unblocked;
    EXPECT_CODE(
        unary([&](grpc::ClientContext& c) { return viewer->Unblock(&c, unblock, &unblocked); }),
        grpc::StatusCode::PERMISSION_DENIED);
    v1::ScaleRequest scale;
    scale.set_replicas(2);
    v1::ScaleStatus scaled;
    EXPECT_CODE(unary([&](grpc::ClientContext& c) { return viewer->Scale(&c, scale, &scaled); }),
                grpc::StatusCode::PERMISSION_DENIED);

    // Nothing changed.
    EXPECT_EQ(getLimits(*viewer).revision(), limits.revision());
    EXPECT_EQ(listBlocks(*viewer).blocks_size(), 0);
    EXPECT_EQ(verdict(bed->validToken(bed->keyA, "mallory"), "203.0.113.1"), v1::ALLOW);
}

TEST_F(ControlPlaneTest, staleRevisionIsFailedPrecondition) {
    startAgent();
    auto op = control("operator");
    const auto read = getLimits(*op);
    auto changed = read;
    changed.mutable_per_ip()->set_rate(50);
    changed.mutable_per_ip()->set_burst(50);
    v1::Limits updated;
    ASSERT_OK(updateLimits(*op, changed, read.revision(), &updated));
    EXPECT_EQ(updated.revision(), read.revision() + 1);

    // A second operator still holding the first read.
    auto theirs = read;
    theirs.mutable_per_ip()->set_rate(1);
    theirs.mutable_per_ip()->set_burst(1);
    const auto stale = updateLimits(*op, theirs, read.revision());
    EXPECT_CODE(stale, grpc::StatusCode::FAILED_PRECONDITION);
    EXPECT_NE(stale.error_message().find(std::to_string(read.revision() + 1)), std::string::npos)
        << stale.error_message();
    const auto now = getLimits(*op);
    EXPECT_EQ(now.revision(), read.revision() + 1);
    EXPECT_EQ(now.per_ip().rate(), 50);
}

TEST_F(ControlPlaneTest, updatedLimitIsEnforcedOnTheNextCheck) {
    startAgent();
    const auto token = bed->validToken(bed->keyA, "alice");
    for (int i = 0; i < 5; ++i) ASSERT_EQ(verdict(token, "198.51.100.10"), v1::ALLOW);

    auto op = control("operator");
    auto limits = getLimits(*op);
    limits.mutable_per_ip()->set_rate(0.001);  // no refill within the test
    limits.mutable_per_ip()->set_burst(2);
    ASSERT_OK(updateLimits(*op, limits, limits.revision()));

    EXPECT_EQ(verdict(token, "198.51.100.11"), v1::ALLOW);
    EXPECT_EQ(verdict(token, "198.51.100.11"), v1::ALLOW);
    const auto denied = check(token, "198.51.100.11");
    EXPECT_EQ(denied.verdict(), v1::RATE_LIMITED_IP);
    EXPECT_GT(denied.retry_after_ms(), 0u);
    // Per IP: another client still has its burst.
    EXPECT_EQ(verdict(token, "198.51.100.12"), v1::ALLOW);

    // And turned off again, also without a restart.
    limits = getLimits(*op);
    limits.mutable_per_ip()->set_rate(0);
    ASSERT_OK(updateLimits(*op, limits, limits.revision()));
    EXPECT_EQ(verdict(token, "198.51.100.11"), v1::ALLOW);
}

TEST_F(ControlPlaneTest, blockRefusesTheClientUntilItExpires) {
    startAgent();
    auto op = control("operator");
    const auto token = bed->validToken(bed->keyA, "alice");
    ASSERT_OK(block(*op, v1::CLIENT, "198.51.100.20", 2));
    const auto blocked = check(token, "198.51.100.20");
    EXPECT_EQ(blocked.verdict(), v1::BLOCKED);
    EXPECT_EQ(blocked.detail(), "client address is blocked");
    EXPECT_EQ(verdict(token, "198.51.100.21"), v1::ALLOW);
    ASSERT_EQ(listBlocks(*op).blocks_size(), 1);

    EXPECT_TRUE(
        eventually([&] { return verdict(token, "198.51.100.20") == v1::ALLOW; }, seconds(10)));
    // The sweep drops it from the list too, and says so in the audit log.
    EXPECT_TRUE(eventually([&] { return listBlocks(*op).blocks_size() == 0; }, seconds(10)));
    v1::AuditLog audit;
    ASSERT_OK(unary(
        [&](grpc::ClientContext& c) { return op->GetAudit(&c, v1::GetAuditRequest(), &audit); }));
    ASSERT_EQ(audit.entries_size(), 2);
    EXPECT_EQ(audit.entries(1).action(), "expire");
    EXPECT_NE(audit.entries(1).before_json().find("198.51.100.20/32"), std::string::npos);
}

TEST_F(ControlPlaneTest, revokeRefusesTheSubjectOrTheOneToken) {
    startAgent();
    auto op = control("operator");
    const auto mallory = bed->validToken(bed->keyA, "mallory");
    EXPECT_EQ(verdict(mallory), v1::ALLOW);
    ASSERT_OK(revoke(*op, "mallory", ""));
    const auto refused = check(mallory, "192.0.2.1");
    EXPECT_EQ(refused.verdict(), v1::REVOKED);
    EXPECT_EQ(refused.claims().subject(), "mallory");
    EXPECT_EQ(verdict(bed->validToken(bed->keyA, "alice")), v1::ALLOW);

    ASSERT_OK(revoke(*op, "", "leaked-1"));
    EXPECT_EQ(verdict(tokenWithId("bob", "leaked-1")), v1::REVOKED);
    EXPECT_EQ(verdict(tokenWithId("bob", "fine-2")), v1::ALLOW);

    v1::RevocationList list;
    ASSERT_OK(unary([&](grpc::ClientContext& c) {
        return op->ListRevocations(&c, v1::ListRevocationsRequest(), &list);
    }));
    ASSERT_EQ(list.revocations_size(), 2);
    EXPECT_EQ(list.revocations(0).created_by(), "operator");
    EXPECT_CODE(revoke(*op, "", ""), grpc::StatusCode::INVALID_ARGUMENT);
}

TEST_F(ControlPlaneTest, stateSurvivesARestart) {
    startAgent();
    auto op = control("operator");
    auto limits = getLimits(*op);
    limits.mutable_per_ip()->set_rate(0.001);
    limits.mutable_per_ip()->set_burst(1);
    v1::Limits updated;
    ASSERT_OK(updateLimits(*op, limits, limits.revision(), &updated));
    ASSERT_OK(block(*op, v1::SUBJECT, "mallory", 600));
    ASSERT_OK(block(*op, v1::CLIENT, "203.0.113.0/24", 600));
    ASSERT_OK(revoke(*op, "eve", ""));
    ASSERT_OK(revoke(*op, "", "leaked-1"));

    // Idle connections would hold the drain open for the whole grace period.
    op.reset();
    auth.reset();
    bed->agent.signal(SIGTERM);
    ASSERT_EQ(bed->agent.waitForExit(seconds(20)), 0) << bed->agent.log();
    ASSERT_TRUE(bed->agent.start()) << bed->agent.log();
    auth = bed->authStub();
    op = control("operator");

    const auto restored = getLimits(*op);
    EXPECT_EQ(restored.revision(), updated.revision());
    EXPECT_DOUBLE_EQ(restored.per_ip().rate(), 0.001);
    EXPECT_EQ(listBlocks(*op).blocks_size(), 2);
    v1::RevocationList revocations;
    ASSERT_OK(unary([&](grpc::ClientContext& c) {
        return op->ListRevocations(&c, v1::ListRevocationsRequest(), &revocations);
    }));
    EXPECT_EQ(revocations.revocations_size(), 2);

    EXPECT_EQ(verdict(bed->validToken(bed->keyA, "mallory"), "192.0.2.10"), v1::BLOCKED);
    EXPECT_EQ(verdict(bed->validToken(bed->keyA, "alice"), "203.0.113.9"), v1::BLOCKED);
    EXPECT_EQ(verdict(bed->validToken(bed->keyA, "eve"), "192.0.2.11"), v1::REVOKED);
    EXPECT_EQ(verdict(tokenWithId("bob", "leaked-1"), "192.0.2.12"), v1::REVOKED);
    const auto alice = bed->validToken(bed->keyA, "alice");
    EXPECT_EQ(verdict(alice, "192.0.2.13"), v1::ALLOW);
    EXPECT_EQ(verdict(alice, "192.0.2.13"), v1::RATE_LIMITED_IP);  // the restored limit

    // The audit log from before the restart is still there.
    v1::AuditLog audit;
    ASSERT_OK(unary(
        [&](grpc::ClientContext& c) { return op->GetAudit(&c, v1::GetAuditRequest(), &audit); }));
    EXPECT_EQ(audit.entries_size(), 5);
}

// The data plane must not answer before the operator's state is in force: a gateway that
// reconnects the instant the port opens must never see a revoked subject allowed.
TEST_F(ControlPlaneTest, revocationIsEnforcedFromTheFirstAnswerAfterARestart) {
    startAgent();
    auto op = control("operator");
    ASSERT_OK(revoke(*op, "eve", ""));
    op.reset();
    auth.reset();
    const std::string token = bed->validToken(bed->keyA, "eve");
    const int port = freeLoopbackPort();
    bed->agent.extraArgs = {"--grpc-port", std::to_string(port)};

    // A channel that retries its connection every few milliseconds, so the first check goes
    // out as soon as the port accepts.
    grpc::ChannelArguments args;
    args.SetInt(GRPC_ARG_INITIAL_RECONNECT_BACKOFF_MS, 5);
    args.SetInt(GRPC_ARG_MIN_RECONNECT_BACKOFF_MS, 5);
    args.SetInt(GRPC_ARG_MAX_RECONNECT_BACKOFF_MS, 10);
    args.SetInt(GRPC_ARG_USE_LOCAL_SUBCHANNEL_POOL, 1);
    v1::CheckRequest request;
    request.set_token(token);
    request.set_client_ip("192.0.2.1");
    for (int restart = 0; restart < 5; ++restart) {
        bed->agent.signal(SIGTERM);
        ASSERT_EQ(bed->agent.waitForExit(seconds(20)), 0) << bed->agent.log();
        auto stub = v1::Auth::NewStub(grpc::CreateCustomChannel(
            "127.0.0.1:" + std::to_string(port), grpc::InsecureChannelCredentials(), args));
        bool started = false;
        std::thread starter([&] { started = bed->agent.start(); });
        v1::CheckResponse first;
        bool answered = false;
        const auto deadline = std::chrono::steady_clock::now() + seconds(20);
        while (!answered && std::chrono::steady_clock::now() < deadline) {
            grpc::ClientContext context;
            context.set_wait_for_ready(true);
            context.set_deadline(std::chrono::system_clock::now() + milliseconds(50));
            // UNAVAILABLE and DEADLINE_EXCEEDED: not listening, or no key set yet; try again.
            answered = stub->Check(&context, request, &first).ok();
        }
        starter.join();
        ASSERT_TRUE(started) << bed->agent.log();
        ASSERT_TRUE(answered);
        EXPECT_EQ(first.verdict(), v1::REVOKED) << "restart " << restart;
    }
}

TEST_F(ControlPlaneTest, auditRecordsWhoDidWhatBeforeAndAfter) {
    startAgent();
    const auto since = std::chrono::duration_cast<milliseconds>(
                           std::chrono::system_clock::now().time_since_epoch())
                           .count();
    auto op = control("operator");
    auto limits = getLimits(*op);
    limits.mutable_global()->set_rate(1000);
    limits.mutable_global()->set_burst(2000);
    ASSERT_OK(updateLimits(*op, limits, limits.revision()));
    ASSERT_OK(block(*op, v1::CLIENT, "203.0.113.7", 60));
    ASSERT_OK(revoke(*op, "eve", ""));
    // A refused call changes nothing and is not an operator action.
    EXPECT_CODE(updateLimits(*control("viewer"), limits, limits.revision() + 1),
                grpc::StatusCode::PERMISSION_DENIED);

    v1::GetAuditRequest request;
    request.set_since_unix_ms(since);
    v1::AuditLog audit;
    ASSERT_OK(unary([&](grpc::ClientContext& c) { return op->GetAudit(&c, request, &audit); }));
    ASSERT_EQ(audit.entries_size(), 3);
    const char* actions[] = {"update_limits: test", "block", "revoke"};
    for (int i = 0; i < 3; ++i) {
        const auto& e = audit.entries(i);
        EXPECT_EQ(e.actor(), "operator");
        EXPECT_EQ(e.role(), "operator");
        EXPECT_EQ(e.action(), actions[i]);
        EXPECT_EQ(e.result(), "ok");
        EXPECT_GE(e.time_unix_ms(), since);
        EXPECT_FALSE(e.after_json().empty());
    }
    EXPECT_NE(audit.entries(0).before_json().find("\"global\""), std::string::npos);
    EXPECT_NE(audit.entries(0).after_json().find("\"rate\":1000"), std::string::npos)
        << audit.entries(0).after_json();
    EXPECT_NE(audit.entries(1).after_json().find("203.0.113.7/32"), std::string::npos);

    request.set_limit(1);  // the newest one
    audit.Clear();
    ASSERT_OK(unary([&](grpc::ClientContext& c) { return op->GetAudit(&c, request, &audit); }));
    ASSERT_EQ(audit.entries_size(), 1);
    EXPECT_EQ(audit.entries(0).action(), "revoke");
}

TEST_F(ControlPlaneTest, watchSnapshotsAreSequencedAndAddUp) {
    startAgent();
    const auto valid = bed->validToken(bed->keyA, "alice");
    const std::string offender = "198.51.100.66";
    std::atomic<bool> stop{false};
    std::atomic<uint64_t> sent{0};
    std::thread traffic([&] {
        auto stub = bed->authStub();
        while (!stop) {
            for (const auto& [token, ip] : {std::pair{valid, std::string("198.51.100.1")},
                                            std::pair{std::string("garbage"), offender}}) {
                v1::CheckRequest request;
                request.set_token(token);
                request.set_client_ip(ip);
                v1::CheckResponse response;
                if (unary([&](grpc::ClientContext& c) {
                        return stub->Check(&c, request, &response);
                    }).ok()) {
                    ++sent;
                }
            }
        }
    });

    auto viewer = control("viewer");
    grpc::ClientContext context;
    context.set_deadline(std::chrono::system_clock::now() + seconds(30));
    v1::WatchRequest request;
    request.set_interval_ms(100);
    auto reader = viewer->Watch(&context, request);
    std::vector<v1::Snapshot> snapshots;
    bool offenderNamed = false;
    v1::Snapshot snapshot;
    while (snapshots.size() < 100 && reader->Read(&snapshot)) {
        snapshots.push_back(snapshot);
        for (const auto& o : snapshot.top_client_ips()) {
            if (o.key() == offender && o.denials() > 0) offenderNamed = true;
        }
        if (snapshots.size() >= 15 && offenderNamed) break;
    }
    stop = true;
    traffic.join();
    context.TryCancel();
    reader->Finish();

    ASSERT_GE(snapshots.size(), 15u);
    EXPECT_TRUE(offenderNamed);
    EXPECT_GT(sent.load(), 0u);
    const auto counts = [](const v1::VerdictCounts& c) {
        return std::array<uint64_t, 8>{c.allow(),
                                       c.invalid_token(),
                                       c.expired(),
                                       c.revoked(),
                                       c.rate_limited_ip(),
                                       c.rate_limited_user(),
                                       c.rate_limited_global(),
                                       c.blocked()};
    };
    uint64_t intervalSum = 0;
    for (size_t i = 0; i < snapshots.size(); ++i) {
        const auto& s = snapshots[i];
        EXPECT_EQ(s.sequence(), i + 1);
        EXPECT_EQ(s.limits_revision(), 1u);
        EXPECT_GT(s.time_unix_ms(), 0);
        EXPECT_GT(s.rss_bytes(), 0u);
        if (i == 0) continue;
        EXPECT_GE(s.time_unix_ms(), snapshots[i - 1].time_unix_ms());
        const auto now = counts(s.total());
        const auto before = counts(snapshots[i - 1].total());
        const auto interval = counts(s.interval());
        for (size_t v = 0; v < now.size(); ++v) {
            EXPECT_EQ(interval[v], now[v] - before[v]) << "snapshot " << i + 1 << " verdict " << v;
            intervalSum += interval[v];
        }
    }
    const auto first = counts(snapshots.front().total());
    const auto last = counts(snapshots.back().total());
    uint64_t totalChange = 0;
    for (size_t v = 0; v < first.size(); ++v) totalChange += last[v] - first[v];
    EXPECT_EQ(intervalSum, totalChange);
    EXPECT_GT(totalChange, 0u);  // the checks sent meanwhile
    EXPECT_GT(snapshots.back().total().invalid_token(), 0u);
    EXPECT_GT(snapshots.back().total().allow(), 0u);
}

TEST_F(ControlPlaneTest, watchIntervalOutOfRangeIsInvalidArgument) {
    startAgent();
    auto viewer = control("viewer");
    for (uint32_t interval : {50u, 99u, 10'001u}) {
        grpc::ClientContext context;
        context.set_deadline(std::chrono::system_clock::now() + seconds(5));
        v1::WatchRequest request;
        request.set_interval_ms(interval);
        auto reader = viewer->Watch(&context, request);
        v1::Snapshot snapshot;
        EXPECT_FALSE(reader->Read(&snapshot));
        EXPECT_CODE(reader->Finish(), grpc::StatusCode::INVALID_ARGUMENT);
    }
}

TEST_F(ControlPlaneTest, controlCallsAreRateLimitedPerIdentity) {
    startAgent(/*callRate=*/2, /*callBurst=*/2);
    auto op = control("operator");
    int ok = 0;
    grpc::Status exhausted;
    for (int i = 0; i < 20 && exhausted.ok(); ++i) {
        v1::Limits limits;
        const auto status = unary([&](grpc::ClientContext& c) {
            return op->GetLimits(&c, v1::GetLimitsRequest(), &limits);
        });
        if (status.ok()) {
            ++ok;
        } else {
            exhausted = status;
        }
    }
    EXPECT_CODE(exhausted, grpc::StatusCode::RESOURCE_EXHAUSTED);
    EXPECT_GE(ok, 2);  // the burst
    EXPECT_LT(ok, 20);
    // Another identity has its own allowance.
    v1::Limits limits;
    EXPECT_CODE(unary([&](grpc::ClientContext& c) {
                    return control("viewer")->GetLimits(&c, v1::GetLimitsRequest(), &limits);
                }),
                grpc::StatusCode::OK);
}

TEST_F(ControlPlaneTest, eachPortServesOnlyItsOwnPlane) {
    startAgent();
    // The data-plane port is plaintext and has no Control service.
    auto onDataPort = v1::Control::NewStub(
        grpc::CreateChannel(bed->agent.address(), grpc::InsecureChannelCredentials()));
    v1::Limits limits;
    EXPECT_CODE(unary([&](grpc::ClientContext& c) {
                    return onDataPort->GetLimits(&c, v1::GetLimitsRequest(), &limits);
                }),
                grpc::StatusCode::UNIMPLEMENTED);
    EXPECT_CODE(block(*onDataPort, v1::CLIENT, "203.0.113.1", 60), grpc::StatusCode::UNIMPLEMENTED);

    // The control port speaks nothing but TLS.
    auto plaintext = v1::Control::NewStub(
        grpc::CreateChannel(bed->agent.controlAddress(), grpc::InsecureChannelCredentials()));
    const auto status = unary([&](grpc::ClientContext& c) {
        return plaintext->GetLimits(&c, v1::GetLimitsRequest(), &limits);
    });
    EXPECT_FALSE(status.ok());
    EXPECT_CODE(status, grpc::StatusCode::UNAVAILABLE);
    EXPECT_EQ(listBlocks(*control("operator")).blocks_size(), 0);
}

}  // namespace
}  // namespace rampart::testing

namespace rampart::testing {
namespace {

// The control plane does not inherit the data plane's 64 KiB message cap: a node holding a full
// limit set and many long-reasoned blocks still answers.
TEST_F(ControlPlaneTest, answersCarryAFullLimitSetAndLongBlockLists) {
    startAgent();
    auto op = control("operator");
    const std::string reason(512, 'r');  // the longest reason a block may have
    for (int i = 0; i < 140; ++i) {
        v1::BlockRequest request;
        request.set_kind(v1::CLIENT);
        request.set_value("198.51.100." + std::to_string(i));
        request.set_duration_seconds(600);
        request.set_reason(reason);
        v1::BlockEntry entry;
        ASSERT_OK(unary([&](grpc::ClientContext& c) { return op->Block(&c, request, &entry); }));
    }
    EXPECT_EQ(listBlocks(*op).blocks_size(), 140);

    auto limits = getLimits(*op);
    for (int i = 0; i < 10'000; ++i) {
        limits.add_blocklist("10." + std::to_string(i / 65536) + "." +
                             std::to_string(i / 256 % 256) + "." + std::to_string(i % 256));
    }
    ASSERT_OK(updateLimits(*op, limits, limits.revision()));
    EXPECT_EQ(getLimits(*op).blocklist_size(), 10'000);
    // The audit entry of that change holds the limit set twice.
    v1::AuditLog audit;
    ASSERT_OK(unary(
        [&](grpc::ClientContext& c) { return op->GetAudit(&c, v1::GetAuditRequest(), &audit); }));
    ASSERT_EQ(audit.entries_size(), 100);
    EXPECT_EQ(audit.entries(99).action(), "update_limits: test");
}

TEST_F(ControlPlaneTest, auditIsReadInPagesThatFitOneMessage) {
    startAgent();
    // 2,500 entries of about 5 KB (1,000 of them already pass the page's byte budget) and one far
    // bigger than any answer may be.
    const auto log = bed->dir.file("state/audit.log");
    appendAudit(log, 0, 1000, 5000);
    appendAudit(log, 1000, 1, 3 << 20);
    appendAudit(log, 1001, 1500, 5000);
    // The agent is the log's only writer and keeps its newest entries in memory: what is written
    // behind its back is read at its next start.
    auth.reset();
    bed->agent.signal(SIGTERM);
    ASSERT_EQ(bed->agent.waitForExit(seconds(20)), 0) << bed->agent.log();
    ASSERT_TRUE(bed->agent.start()) << bed->agent.log();

    auto op = control("operator");
    v1::GetAuditRequest request;
    request.set_limit(1000);
    std::vector<v1::AuditEntry> entries;
    int pages = 0;
    bool cutBySize = false;
    do {
        v1::AuditLog page;
        ASSERT_OK(unary([&](grpc::ClientContext& c) { return op->GetAudit(&c, request, &page); }));
        ++pages;
        ASSERT_GT(page.entries_size(), 0);
        EXPECT_LE(page.entries_size(), 1000);
        EXPECT_LE(page.ByteSizeLong(), v1::bounds::kAuditPageMaxBytes);
        if (page.entries_size() < 1000 && !page.next_page_token().empty()) cutBySize = true;
        entries.insert(entries.begin(), page.entries().begin(), page.entries().end());
        request.set_page_token(page.next_page_token());
    } while (!request.page_token().empty() && pages < 100);

    ASSERT_EQ(entries.size(), 2501u);
    EXPECT_GE(pages, 3);
    EXPECT_TRUE(cutBySize);
    for (size_t i = 0; i < entries.size(); ++i) {
        ASSERT_EQ(entries[i].action(), "action-" + std::to_string(i));
        EXPECT_EQ(entries[i].truncated(), i == 1000);
    }
    EXPECT_EQ(entries[1000].before_json().size(), v1::bounds::kMaxAuditFieldBytes);

    // A token this node never gave is refused, not misread.
    request.set_page_token("the middle");
    v1::AuditLog page;
    EXPECT_CODE(unary([&](grpc::ClientContext& c) { return op->GetAudit(&c, request, &page); }),
                grpc::StatusCode::INVALID_ARGUMENT);
}

// A scale hook's output, cut at a byte count or simply not UTF-8, must not make ScaleStatus (in
// Scale, GetScale and GetNode) or the audit unreadable: proto3 strings must be valid UTF-8.
TEST_F(ControlPlaneTest, scaleHookOutputThatIsNotUtf8StillReads) {
    TempDir hooks;
    const auto hook = hooks.write("scale.sh",
                                  "#!/bin/sh\n"
                                  "printf 'scaling to %s \\377\\n' \"$1\"\n"
                                  "i=0; while [ $i -lt 1000 ]; do printf '\xE2\x94\x80'; i=$((i+1)); done\n");
    ASSERT_EQ(::chmod(hook.c_str(), 0755), 0);
    startAgent(1000, 1000,
               "scaling:\n  backend: command\n  min_replicas: 1\n  max_replicas: 10\n"
               "  command:\n    path: " + hook.string() + "\n");
    auto op = control("operator");
    v1::ScaleRequest request;
    request.set_replicas(3);
    request.set_reason("launch");
    v1::ScaleStatus scaled;
    ASSERT_OK(unary([&](grpc::ClientContext& c) { return op->Scale(&c, request, &scaled); }));
    EXPECT_NE(scaled.last_result().find("scaling to 3 \xEF\xBF\xBD"), std::string::npos)
        << scaled.last_result();
    EXPECT_NE(scaled.last_result().find("\xE2\x94\x80\xE2\x94\x80"), std::string::npos);

    v1::ScaleStatus status;
    ASSERT_OK(unary([&](grpc::ClientContext& c) {
        return op->GetScale(&c, v1::GetScaleRequest(), &status);
    }));
    EXPECT_EQ(status.last_result(), scaled.last_result());
    v1::NodeInfo node;
    ASSERT_OK(unary([&](grpc::ClientContext& c) { return op->GetNode(&c, v1::GetNodeRequest(), &node); }));
    EXPECT_EQ(node.scale().last_result(), scaled.last_result());
    v1::AuditLog audit;
    ASSERT_OK(unary(
        [&](grpc::ClientContext& c) { return op->GetAudit(&c, v1::GetAuditRequest(), &audit); }));
    ASSERT_GE(audit.entries_size(), 1);
    EXPECT_EQ(audit.entries(audit.entries_size() - 1).action(), "scale: launch");
}

// The offenders sketch keeps 64 bytes of a subject, which can end inside a character. Every
// Watch client must still read every snapshot. (Client addresses reach the sketch only as the
// address the engine parsed: anything else is refused before.)
TEST_F(ControlPlaneTest, watchReadsOffendersCutMidCharacter) {
    startAgent();
    std::string subject = "a";
    for (int i = 0; i < 40; ++i) subject += "\xC3\xA9";  // é: byte 64 is the first half of one
    auto op = control("operator");
    ASSERT_OK(block(*op, v1::SUBJECT, subject, 600));
    const std::string token = bed->validToken(bed->keyA, subject);
    std::atomic<bool> stop{false};
    std::thread traffic([&] {
        auto stub = bed->authStub();
        while (!stop) {
            v1::CheckRequest request;
            request.set_token(token);
            request.set_client_ip("192.0.2.1");
            v1::CheckResponse response;
            unary([&](grpc::ClientContext& c) { return stub->Check(&c, request, &response); });
        }
    });
    auto viewer = control("viewer");
    grpc::ClientContext context;
    context.set_deadline(std::chrono::system_clock::now() + seconds(20));
    v1::WatchRequest request;
    request.set_interval_ms(100);
    auto reader = viewer->Watch(&context, request);
    std::string named;
    v1::Snapshot snapshot;
    for (int read = 0; named.empty() && read < 50 && reader->Read(&snapshot); ++read) {
        for (const auto& o : snapshot.top_subjects()) {
            if (o.key().starts_with("a\xC3\xA9\xC3\xA9")) named = o.key();
        }
    }
    stop = true;
    traffic.join();
    context.TryCancel();
    const auto status = reader->Finish();
    ASSERT_FALSE(named.empty()) << codeName(status);
    EXPECT_EQ(named, subject.substr(0, 63) + "\xEF\xBF\xBD");  // the cut half is replaced
}

TEST_F(ControlPlaneTest, oneIdentityCannotHoldEveryWatchSlot) {
    startAgent();
    struct Open {
        std::unique_ptr<grpc::ClientContext> context = std::make_unique<grpc::ClientContext>();
        std::unique_ptr<grpc::ClientReader<v1::Snapshot>> reader;
    };
    const auto watch = [](v1::Control::Stub& stub) {
        Open w;
        w.context->set_deadline(std::chrono::system_clock::now() + seconds(30));
        v1::WatchRequest request;
        request.set_interval_ms(100);
        w.reader = stub.Watch(w.context.get(), request);
        return w;
    };
    const auto close = [](Open& w) {
        w.context->TryCancel();
        w.reader->Finish();
    };
    auto viewer = control("viewer");
    std::vector<Open> open;
    v1::Snapshot snapshot;
    for (int i = 0; i < 16; ++i) {  // WatchHub::kMaxWatchersPerIdentity
        open.push_back(watch(*viewer));
        ASSERT_TRUE(open.back().reader->Read(&snapshot)) << "watch " << i + 1;
    }
    auto refused = watch(*viewer);
    EXPECT_FALSE(refused.reader->Read(&snapshot));
    const auto status = refused.reader->Finish();
    EXPECT_EQ(status.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED) << codeName(status);
    EXPECT_NE(status.error_message().find("\"viewer\" already has 16 Watch calls"),
              std::string::npos)
        << status.error_message();

    // Another identity is not shut out by the first.
    auto other = watch(*control("operator"));
    EXPECT_TRUE(other.reader->Read(&snapshot));
    close(other);
    // And a slot freed is a slot the viewer may take again.
    close(open.back());
    open.pop_back();
    bool reopened = false;
    for (int attempt = 0; attempt < 50 && !reopened; ++attempt) {
        auto again = watch(*viewer);
        reopened = again.reader->Read(&snapshot);
        if (reopened) open.push_back(std::move(again)); else again.reader->Finish();
    }
    EXPECT_TRUE(reopened);
    for (auto& w : open) close(w);
}

// A certificate may name several identities; the one that granted the role is the one recorded.
TEST_F(ControlPlaneTest, auditNamesTheIdentityThatGrantedTheRole) {
    startAgent();
    // Its CN is the viewer, but its SAN is the operator: it acts as the operator.
    ASSERT_TRUE(issueClientCert(certs, "mixed", "/CN=viewer", "DNS:operator"));
    auto mixed = controlWith({(certs / "ca.crt").string(), (certs / "mixed.crt").string(),
                              (certs / "mixed.key").string()});
    v1::NodeInfo node;
    ASSERT_OK(unary([&](grpc::ClientContext& c) { return mixed->GetNode(&c, v1::GetNodeRequest(), &node); }));
    EXPECT_EQ(node.caller_role(), "operator");
    EXPECT_EQ(node.caller_identity(), "operator");

    ASSERT_OK(block(*mixed, v1::CLIENT, "203.0.113.9", 60));
    const auto blocks = listBlocks(*mixed);
    ASSERT_EQ(blocks.blocks_size(), 1);
    EXPECT_EQ(blocks.blocks(0).created_by(), "operator");
    v1::AuditLog audit;
    ASSERT_OK(unary(
        [&](grpc::ClientContext& c) { return mixed->GetAudit(&c, v1::GetAuditRequest(), &audit); }));
    ASSERT_EQ(audit.entries_size(), 1);
    EXPECT_EQ(audit.entries(0).actor(), "operator");
    EXPECT_EQ(audit.entries(0).role(), "operator");

    // A certificate whose names grant nothing is refused under its CN.
    ASSERT_TRUE(issueClientCert(certs, "stranger", "/CN=stranger", "DNS:nobody"));
    auto stranger = controlWith({(certs / "ca.crt").string(), (certs / "stranger.crt").string(),
                                 (certs / "stranger.key").string()});
    EXPECT_CODE(unary([&](grpc::ClientContext& c) {
                    return stranger->GetNode(&c, v1::GetNodeRequest(), &node);
                }),
                grpc::StatusCode::PERMISSION_DENIED);
}

}  // namespace
}  // namespace rampart::testing
