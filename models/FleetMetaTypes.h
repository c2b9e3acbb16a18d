#pragma once

#include <QMetaType>

#include "rpc/client/FleetTypes.h"

// The plain fleet structs as Qt meta-types, so they can cross threads in queued signals.
Q_DECLARE_METATYPE(rampart::fleet::Snapshot)
Q_DECLARE_METATYPE(rampart::fleet::Limits)
Q_DECLARE_METATYPE(rampart::fleet::NodeInfo)
Q_DECLARE_METATYPE(rampart::fleet::ActionResult)
Q_DECLARE_METATYPE(rampart::fleet::ConnectionState)

namespace rampart::console {

inline void registerFleetMetaTypes() {
    qRegisterMetaType<rampart::fleet::Snapshot>();
    qRegisterMetaType<rampart::fleet::Limits>();
    qRegisterMetaType<rampart::fleet::NodeInfo>();
    qRegisterMetaType<rampart::fleet::ActionResult>();
    qRegisterMetaType<rampart::fleet::ConnectionState>();
}

}  // namespace rampart::console
