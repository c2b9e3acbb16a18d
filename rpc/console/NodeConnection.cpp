#include "rpc/console/NodeConnection.h"

#include <grpcpp/grpcpp.h>

#include <QThread>
#include <random>

#include "rampart/v1/control.grpc.pb.h"
#include "rpc/client/FleetConvert.h"

namespace rampart::console {
namespace {

constexpr auto kCallDeadline = std::chrono::seconds(10);
constexpr auto kScaleDeadline = std::chrono::seconds(120);

fleet::ActionResult resultOf(const grpc::Status& status) {
    static const char* kNames[] = {"OK", "CANCELLED", "UNKNOWN", "INVALID_ARGUMENT",
                                   "DEADLINE_EXCEEDED", "NOT_FOUND", "ALREADY_EXISTS",
                                   "PERMISSION_DENIED", "RESOURCE_EXHAUSTED", "FAILED_PRECONDITION",
                                   "ABORTED", "OUT_OF_RANGE", "UNIMPLEMENTED", "INTERNAL",
                                   "UNAVAILABLE", "DATA_LOSS", "UNAUTHENTICATED"};
    const int code = status.error_code();
    return {status.ok(), code >= 0 && code <= 16 ? kNames[code] : "UNKNOWN", status.error_message()};
}

}  // namespace

NodeConnection::NodeConnection(QString name, QString address, rpc::TlsFiles tls, uint32_t intervalMs)
    : m_name(std::move(name)), m_address(std::move(address)), m_tls(std::move(tls)), m_intervalMs(intervalMs) {}

std::shared_ptr<grpc::Channel> NodeConnection::channel(std::string& error) {
    std::lock_guard lock(m_channelMutex);
    if (m_channel) return m_channel;
    auto made = rpc::makeControlChannel(m_address.toStdString(), m_tls);
    if (!made.ok()) {
        error = std::string(made.status().message());
        return nullptr;
    }
    m_channel = *made;
    return m_channel;
}

NodeConnection::~NodeConnection() {
    m_stopping = true;
    reconnectNow();
    if (m_watchThread.joinable()) m_watchThread.join();
    if (m_actionThread) {
        m_actionThread->quit();
        m_actionThread->wait();
        delete m_actionThread;
    }
}

void NodeConnection::start() {
    m_actionThread = new QThread();
    m_actionThread->setObjectName("node-" + m_name);
    moveToThread(m_actionThread);
    m_actionThread->start();
    m_watchThread = std::thread([this] { watchLoop(); });
}

void NodeConnection::reconnectNow() {
    m_wake = true;
    std::lock_guard lock(m_contextMutex);
    if (m_watchContext) m_watchContext->TryCancel();
}

bool NodeConnection::sleepInterruptibly(std::chrono::milliseconds duration) {
    const auto until = std::chrono::steady_clock::now() + duration;
    while (std::chrono::steady_clock::now() < until) {
        if (m_stopping) return false;
        if (m_wake.exchange(false)) return true;
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return !m_stopping;
}

void NodeConnection::watchLoop() {
    std::mt19937 rng(std::random_device{}());
    int failures = 0;
    std::string error;
    auto link = channel(error);
    auto stub = link ? v1::Control::NewStub(link) : nullptr;
    while (!m_stopping) {
        if (!stub) {
            emit stateChanged(m_name, fleet::ConnectionState::Down, QString::fromStdString(error));
            sleepInterruptibly(std::chrono::seconds(5));
            link = channel(error);
            stub = link ? v1::Control::NewStub(link) : nullptr;
            continue;
        }
        emit stateChanged(m_name, fleet::ConnectionState::Connecting, {});
        grpc::Status status;
        {
            grpc::ClientContext context;
            context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(3));
            v1::NodeInfo info;
            status = stub->GetNode(&context, v1::GetNodeRequest(), &info);
            if (status.ok()) emit nodeInfoReceived(m_name, rpc::fromWire(info));
        }
        if (status.ok()) {
            grpc::ClientContext context;
            {
                std::lock_guard lock(m_contextMutex);
                m_watchContext = &context;
            }
            v1::WatchRequest request;
            request.set_interval_ms(m_intervalMs);
            auto reader = stub->Watch(&context, request);
            v1::Snapshot snapshot;
            bool first = true;
            while (!m_stopping && reader->Read(&snapshot)) {
                if (first) {
                    emit stateChanged(m_name, fleet::ConnectionState::Up, {});
                    failures = 0;
                    first = false;
                }
                emit snapshotReceived(m_name, rpc::fromWire(snapshot));
            }
            {
                std::lock_guard lock(m_contextMutex);
                m_watchContext = nullptr;
            }
            status = reader->Finish();
        }
        if (m_stopping) break;
        emit stateChanged(m_name, fleet::ConnectionState::Down,
                          QString::fromStdString(resultOf(status).code + ": " + status.error_message()));
        // Exponential backoff with full jitter (250 ms doubling to 10 s): a fleet that lost its
        // network does not come back as a thundering herd.
        ++failures;
        const int ceiling = std::min(10'000, 250 << std::min(failures, 6));
        sleepInterruptibly(std::chrono::milliseconds(std::uniform_int_distribution<int>(100, ceiling)(rng)));
    }
}

void NodeConnection::updateLimits(const fleet::Limits& limits, quint64 expectedRevision,
                                  const QString& reason) {
    std::string error;
    auto link = channel(error);
    auto stub = link ? v1::Control::NewStub(link) : nullptr;
    const QString action = "update limits";
    if (!stub) return emit actionFinished(m_name, action, {false, "INVALID_ARGUMENT", error});
    grpc::ClientContext context;
    context.set_deadline(std::chrono::system_clock::now() + kCallDeadline);
    v1::UpdateLimitsRequest request;
    rpc::toWire(limits, *request.mutable_limits());
    request.set_expected_revision(expectedRevision);
    request.set_reason(reason.toStdString());
    v1::Limits updated;
    const auto status = stub->UpdateLimits(&context, request, &updated);
    emit actionFinished(m_name, action, resultOf(status));
    if (status.ok()) emit limitsLoaded(m_name, rpc::fromWire(updated));
}

void NodeConnection::block(int kind, const QString& value, quint32 seconds, const QString& reason) {
    std::string error;
    auto link = channel(error);
    auto stub = link ? v1::Control::NewStub(link) : nullptr;
    const QString action = QString("block %1 for %2 s").arg(value).arg(seconds);
    if (!stub) return emit actionFinished(m_name, action, {false, "INVALID_ARGUMENT", error});
    grpc::ClientContext context;
    context.set_deadline(std::chrono::system_clock::now() + kCallDeadline);
    v1::BlockRequest request;
    request.set_kind(kind == static_cast<int>(fleet::BlockKind::Subject) ? v1::SUBJECT : v1::CLIENT);
    request.set_value(value.toStdString());
    request.set_duration_seconds(seconds);
    request.set_reason(reason.toStdString());
    v1::BlockEntry entry;
    emit actionFinished(m_name, action, resultOf(stub->Block(&context, request, &entry)));
}

void NodeConnection::revoke(const QString& subject, quint32 seconds, const QString& reason) {
    std::string error;
    auto link = channel(error);
    auto stub = link ? v1::Control::NewStub(link) : nullptr;
    const QString action = QString("revoke %1 for %2 s").arg(subject).arg(seconds);
    if (!stub) return emit actionFinished(m_name, action, {false, "INVALID_ARGUMENT", error});
    grpc::ClientContext context;
    context.set_deadline(std::chrono::system_clock::now() + kCallDeadline);
    v1::RevokeRequest request;
    request.set_subject(subject.toStdString());
    request.set_duration_seconds(seconds);
    request.set_reason(reason.toStdString());
    v1::Revocation revocation;
    emit actionFinished(m_name, action, resultOf(stub->Revoke(&context, request, &revocation)));
}

void NodeConnection::scale(quint32 replicas, const QString& reason) {
    std::string error;
    auto link = channel(error);
    auto stub = link ? v1::Control::NewStub(link) : nullptr;
    const QString action = QString("scale to %1").arg(replicas);
    if (!stub) return emit actionFinished(m_name, action, {false, "INVALID_ARGUMENT", error});
    grpc::ClientContext context;
    context.set_deadline(std::chrono::system_clock::now() + kScaleDeadline);
    v1::ScaleRequest request;
    request.set_replicas(replicas);
    request.set_reason(reason.toStdString());
    v1::ScaleStatus status;
    emit actionFinished(m_name, action, resultOf(stub->Scale(&context, request, &status)));
}

void NodeConnection::loadLimits() {
    std::string error;
    auto link = channel(error);
    auto stub = link ? v1::Control::NewStub(link) : nullptr;
    if (!stub) return emit actionFinished(m_name, "load limits", {false, "INVALID_ARGUMENT", error});
    grpc::ClientContext context;
    context.set_deadline(std::chrono::system_clock::now() + kCallDeadline);
    v1::Limits limits;
    const auto status = stub->GetLimits(&context, v1::GetLimitsRequest(), &limits);
    if (status.ok()) {
        emit limitsLoaded(m_name, rpc::fromWire(limits));
    } else {
        emit actionFinished(m_name, "load limits", resultOf(status));
    }
}

}  // namespace rampart::console
