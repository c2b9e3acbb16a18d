// The console's network layer and models against real agents over real mutual TLS: what an
// operator does from the console reaches the node, and what happens to a node shows up.
#include <signal.h>

#include <QSignalSpy>
#include <QtTest>

#include "FleetController.h"
#include "integration/AgentTestBed.h"
#include "support/FreePort.h"

using namespace rampart;
using namespace rampart::console;

namespace {

struct Certs {
    testing::TempDir dir;
    Certs() {
        const std::string command = "'" RAMPART_SOURCE_DIR "/scripts/make-dev-certs.sh' '" +
                                    dir.path().string() + "' 1 >/dev/null";
        if (std::system(command.c_str()) != 0) qFatal("make-dev-certs.sh failed");
    }
    rpc::TlsFiles as(const std::string& who) const {
        return {(dir.path() / "ca.crt").string(), (dir.path() / (who + ".crt")).string(),
                (dir.path() / (who + ".key")).string()};
    }
};

std::string controlYaml(const Certs& certs, int port) {
    const auto c = certs.dir.path().string();
    return "control:\n"
           "  listen: \"127.0.0.1:" + std::to_string(port) + "\"\n"
           "  cert_file: " + c + "/node.crt\n"
           "  key_file: " + c + "/node.key\n"
           "  client_ca_file: " + c + "/ca.crt\n"
           "  operators: [operator]\n"
           "  viewers: [viewer]\n"
           "  state_dir: state\n";
}

struct ConsoleModels {
    FleetModel fleet;
    TimeSeriesStore series;
    OffendersModel offenders;
    EventLogModel events;
    AlertRules alerts;
    FleetController::Models refs() { return {fleet, series, offenders, events, alerts}; }
};

v1::Verdict checkFrom(testing::AgentTestBed& bed, const std::string& token, const std::string& ip) {
    auto stub = bed.authStub();
    grpc::ClientContext context;
    context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(5));
    v1::CheckRequest request;
    request.set_token(token);
    request.set_client_ip(ip);
    v1::CheckResponse response;
    return stub->Check(&context, request, &response).ok() ? response.verdict() : v1::VERDICT_UNSPECIFIED;
}

}  // namespace

class ConsoleAgentsTest : public QObject {
    Q_OBJECT
private slots:
    void initTestCase() { registerFleetMetaTypes(); }

    void limitChangeFromConsoleReachesAgent() {
        Certs certs;
        const int port = testing::freeLoopbackPort();
        testing::AgentTestBed bed(controlYaml(certs, port));
        QVERIFY(bed.agent.start());
        ConsoleModels m;
        FleetController controller(m.refs(), 200);
        controller.addNode("auth-1", QString("127.0.0.1:%1").arg(port), certs.as("operator"));
        QTRY_VERIFY_WITH_TIMEOUT(m.fleet.stateOf("auth-1") == fleet::ConnectionState::Up, 10000);

        QSignalSpy loaded(&controller, &FleetActions::limitsLoaded);
        controller.loadLimits("auth-1");
        QTRY_COMPARE_WITH_TIMEOUT(loaded.count(), 1, 10000);
        auto limits = loaded.at(0).at(1).value<fleet::Limits>();
        const auto revision = limits.revision;
        limits.perIp = {0.01, 1, false};  // one request, then nothing for 100 s

        QSignalSpy finished(&controller, &FleetActions::actionFinished);
        controller.updateLimits("auth-1", limits, revision, "test");
        QTRY_VERIFY_WITH_TIMEOUT(!finished.isEmpty(), 10000);
        const auto result = finished.at(0).at(2).value<fleet::ActionResult>();
        QVERIFY2(result.ok, result.message.c_str());

        const auto token = bed.validToken(bed.keyA);
        QCOMPARE(checkFrom(bed, token, "198.51.100.7"), v1::ALLOW);
        QCOMPARE(checkFrom(bed, token, "198.51.100.7"), v1::RATE_LIMITED_IP);
        // The snapshots carry the new revision to the fleet table.
        QTRY_VERIFY_WITH_TIMEOUT(
            m.fleet.data(m.fleet.index(0, FleetModel::LimitsRevision)).toString() ==
                QString::number(revision + 1),
            5000);
    }

    void staleRevisionIsExplainedNotSwallowed() {
        Certs certs;
        const int port = testing::freeLoopbackPort();
        testing::AgentTestBed bed(controlYaml(certs, port));
        QVERIFY(bed.agent.start());
        ConsoleModels m;
        FleetController controller(m.refs(), 200);
        controller.addNode("auth-1", QString("127.0.0.1:%1").arg(port), certs.as("operator"));
        QTRY_VERIFY_WITH_TIMEOUT(m.fleet.stateOf("auth-1") == fleet::ConnectionState::Up, 10000);
        QSignalSpy finished(&controller, &FleetActions::actionFinished);
        fleet::Limits limits;
        limits.perIp = {100, 100, false};
        controller.updateLimits("auth-1", limits, 41, "based on an old read");
        QTRY_VERIFY_WITH_TIMEOUT(!finished.isEmpty(), 10000);
        const auto result = finished.at(0).at(2).value<fleet::ActionResult>();
        QVERIFY(!result.ok);
        QCOMPARE(QString::fromStdString(result.code), QString("FAILED_PRECONDITION"));
        // The event log keeps the node's explanation for the operator.
        bool logged = false;
        for (int row = 0; row < m.events.rowCount(); ++row) {
            logged |= m.events.data(m.events.index(row, 3)).toString().contains("FAILED_PRECONDITION");
        }
        QVERIFY(logged);
    }

    void killedAgentShowsDownWithinASecondThenUpAfterRestart() {
        Certs certs;
        const int port = testing::freeLoopbackPort();
        testing::AgentTestBed bed(controlYaml(certs, port));
        QVERIFY(bed.agent.start());
        ConsoleModels m;
        FleetController controller(m.refs(), 200);
        controller.addNode("auth-1", QString("127.0.0.1:%1").arg(port), certs.as("operator"));
        QTRY_VERIFY_WITH_TIMEOUT(m.fleet.stateOf("auth-1") == fleet::ConnectionState::Up, 10000);

        bed.agent.signal(SIGKILL);
        QElapsedTimer timer;
        timer.start();
        QTRY_VERIFY_WITH_TIMEOUT(m.fleet.stateOf("auth-1") == fleet::ConnectionState::Down, 5000);
        QVERIFY2(timer.elapsed() < 1500, qPrintable(QString("took %1 ms").arg(timer.elapsed())));
        bed.agent.waitForExit(std::chrono::seconds(5));

        QVERIFY(bed.agent.start());  // same port, same state dir
        // Back up once the console's next reconnect attempt lands (its backoff, with full
        // jitter, grows while the node is down). Under AddressSanitizer on a loaded 2-core
        // machine that took 22-25 s; this bounds a hang, not a speed.
        QTRY_VERIFY_WITH_TIMEOUT(m.fleet.stateOf("auth-1") == fleet::ConnectionState::Up, 45000);
    }

    void alertFiresAtItsThreshold() {
        Certs certs;
        const int port = testing::freeLoopbackPort();
        testing::AgentTestBed bed(controlYaml(certs, port));
        QVERIFY(bed.agent.start());
        ConsoleModels m;
        m.alerts.setThresholds({20, 1000, 1000});  // failures over 20 %
        QSignalSpy raised(&m.alerts, &AlertRules::alertRaised);
        FleetController controller(m.refs(), 200);
        controller.addNode("auth-1", QString("127.0.0.1:%1").arg(port), certs.as("operator"));
        QTRY_VERIFY_WITH_TIMEOUT(m.fleet.stateOf("auth-1") == fleet::ConnectionState::Up, 10000);

        // Healthy traffic first: no alert.
        const auto token = bed.validToken(bed.keyA);
        for (int i = 0; i < 50; ++i) QCOMPARE(checkFrom(bed, token, "192.0.2.1"), v1::ALLOW);
        QTest::qWait(1500);  // let the once-a-second judgement see the healthy window
        QCOMPARE(raised.count(), 0);
        // Then mostly forged tokens until the failure share passes 20 %.
        QTRY_VERIFY_WITH_TIMEOUT(
            [&] {
                for (int i = 0; i < 20; ++i) checkFrom(bed, "forged.token.value", "192.0.2.2");
                return raised.count() > 0;
            }(),
            15000);
        QCOMPARE(raised.at(0).at(0).toString(), QString("fleet"));
    }

    void viewerCannotChangeAnything() {
        Certs certs;
        const int port = testing::freeLoopbackPort();
        testing::AgentTestBed bed(controlYaml(certs, port));
        QVERIFY(bed.agent.start());
        ConsoleModels m;
        FleetController controller(m.refs(), 200);
        controller.addNode("auth-1", QString("127.0.0.1:%1").arg(port), certs.as("viewer"));
        QTRY_VERIFY_WITH_TIMEOUT(m.fleet.stateOf("auth-1") == fleet::ConnectionState::Up, 10000);
        QTRY_COMPARE_WITH_TIMEOUT(m.fleet.roleOf("auth-1"), QString("viewer"), 5000);

        QSignalSpy finished(&controller, &FleetActions::actionFinished);
        controller.block("auth-1", fleet::BlockKind::Client, "203.0.113.9", 60, "test");
        controller.revoke("auth-1", "alice", 60, "test");
        controller.scale("auth-1", 2, "test");
        fleet::Limits limits;
        controller.updateLimits("auth-1", limits, 1, "test");
        QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 4, 10000);
        for (const auto& call : finished) {
            const auto result = call.at(2).value<fleet::ActionResult>();
            QVERIFY(!result.ok);
            QCOMPARE(QString::fromStdString(result.code), QString("PERMISSION_DENIED"));
        }
        // And nothing changed on the node.
        QCOMPARE(checkFrom(bed, bed.validToken(bed.keyA), "203.0.113.9"), v1::ALLOW);
    }
};

QTEST_GUILESS_MAIN(ConsoleAgentsTest)
#include "ConsoleAgentsTest.moc"
