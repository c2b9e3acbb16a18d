#pragma once

#include <QObject>
#include <QString>
#include <atomic>
#include <memory>
#include <mutex>
#include <thread>

#include "rpc/client/ControlChannel.h"
#include "models/FleetMetaTypes.h"
#include "rpc/client/ControlChannel.h"

namespace grpc {
class ClientContext;
class Channel;
}

namespace rampart::console {

// The console's link to one node. Lives off the GUI thread: a watch thread holds the node's
// Watch stream (reconnecting with exponential backoff and jitter when it breaks), and actions
// run on this object's own QThread with deadlines. Everything reaches the GUI as plain structs
// through queued signals; nothing here ever blocks the GUI.
class NodeConnection : public QObject {
    Q_OBJECT
public:
    NodeConnection(QString name, QString address, rpc::TlsFiles tls, uint32_t intervalMs);
    ~NodeConnection() override;

    const QString& name() const { return m_name; }
    const QString& address() const { return m_address; }

    // Starts the watch thread and this object's action thread.
    void start();
    // Drops the current stream and reconnects at once (the GUI saw it go quiet).
    void reconnectNow();

public slots:
    void updateLimits(const rampart::fleet::Limits& limits, quint64 expectedRevision,
                      const QString& reason);
    void block(int kind, const QString& value, quint32 seconds, const QString& reason);
    void revoke(const QString& subject, quint32 seconds, const QString& reason);
    void scale(quint32 replicas, const QString& reason);
    void loadLimits();

signals:
    void stateChanged(const QString& node, rampart::fleet::ConnectionState state, const QString& detail);
    void snapshotReceived(const QString& node, const rampart::fleet::Snapshot& snapshot);
    void nodeInfoReceived(const QString& node, const rampart::fleet::NodeInfo& info);
    void actionFinished(const QString& node, const QString& action, const rampart::fleet::ActionResult& result);
    void limitsLoaded(const QString& node, const rampart::fleet::Limits& limits);

private:
    void watchLoop();
    std::shared_ptr<grpc::Channel> channel(std::string& error);
    bool sleepInterruptibly(std::chrono::milliseconds duration);

    const QString m_name;
    const QString m_address;
    const rpc::TlsFiles m_tls;
    // One channel (one TLS connection) for the watch stream and every action, made on first use.
    std::mutex m_channelMutex;
    std::shared_ptr<grpc::Channel> m_channel;  // guarded by m_channelMutex
    const uint32_t m_intervalMs;
    std::thread m_watchThread;
    QThread* m_actionThread = nullptr;
    std::atomic<bool> m_stopping{false};
    std::mutex m_contextMutex;
    grpc::ClientContext* m_watchContext = nullptr;  // guarded by m_contextMutex
    std::atomic<bool> m_wake{false};
};

}  // namespace rampart::console
