#pragma once

#include <QList>
#include <QString>

#include "models/FleetActions.h"

namespace rampart::console::test {

// Records what the widgets ask of the fleet; the test decides what the fleet answers.
class FakeFleetActions : public FleetActions {
    Q_OBJECT
public:
    struct Call {
        QString method;
        QString node;
        fleet::Limits limits;
        uint64_t expectedRevision = 0;
        fleet::BlockKind kind = fleet::BlockKind::Client;
        QString value;
        uint32_t seconds = 0;
        uint32_t replicas = 0;
        QString reason;
    };

    using FleetActions::FleetActions;

    void updateLimits(const QString& node, const fleet::Limits& limits, uint64_t expectedRevision,
                      const QString& reason) override {
        Call c = call("updateLimits", node);
        c.limits = limits;
        c.expectedRevision = expectedRevision;
        c.reason = reason;
        calls.append(c);
    }
    void block(const QString& node, fleet::BlockKind kind, const QString& value, uint32_t seconds,
               const QString& reason) override {
        Call c = call("block", node);
        c.kind = kind;
        c.value = value;
        c.seconds = seconds;
        c.reason = reason;
        calls.append(c);
    }
    void revoke(const QString& node, const QString& subject, uint32_t seconds,
                const QString& reason) override {
        Call c = call("revoke", node);
        c.value = subject;
        c.seconds = seconds;
        c.reason = reason;
        calls.append(c);
    }
    void scale(const QString& node, uint32_t replicas, const QString& reason) override {
        Call c = call("scale", node);
        c.replicas = replicas;
        c.reason = reason;
        calls.append(c);
    }
    void loadLimits(const QString& node) override { calls.append(call("loadLimits", node)); }

    // The fleet's answers.
    void answerLimits(const QString& node, const fleet::Limits& limits) {
        emit limitsLoaded(node, limits);
    }
    void finish(const QString& node, const QString& action, bool ok, const QString& code = {},
                const QString& message = {}) {
        emit actionFinished(node, action, {ok, code.toStdString(), message.toStdString()});
    }

    QList<Call> callsOf(const QString& method) const {
        QList<Call> out;
        for (const auto& c : calls) {
            if (c.method == method) out.append(c);
        }
        return out;
    }

    QList<Call> calls;

private:
    static Call call(const QString& method, const QString& node) {
        Call c;
        c.method = method;
        c.node = node;
        return c;
    }
};

}  // namespace rampart::console::test
