#pragma once

#include <QObject>
#include <QString>

#include "models/FleetMetaTypes.h"

namespace rampart::console {

// What the widgets may ask of the fleet. The network layer implements it (one connection per
// node, off the GUI thread); tests implement it with a fake. Calls return at once; each result
// arrives later as actionFinished on the GUI thread. An empty node name means every node.
class FleetActions : public QObject {
    Q_OBJECT
public:
    using QObject::QObject;

    virtual void updateLimits(const QString& node, const fleet::Limits& limits,
                              uint64_t expectedRevision, const QString& reason) = 0;
    virtual void block(const QString& node, fleet::BlockKind kind, const QString& value,
                       uint32_t seconds, const QString& reason) = 0;
    virtual void revoke(const QString& node, const QString& subject, uint32_t seconds,
                        const QString& reason) = 0;
    virtual void scale(const QString& node, uint32_t replicas, const QString& reason) = 0;
    // Fetches the node's current limits; the answer comes back as limitsLoaded.
    virtual void loadLimits(const QString& node) = 0;

signals:
    // `action` is a short description ("update limits", "block 203.0.113.7 for 15m").
    void actionFinished(const QString& node, const QString& action, const fleet::ActionResult& result);
    void limitsLoaded(const QString& node, const fleet::Limits& limits);
};

}  // namespace rampart::console
