#pragma once

#include <QString>

namespace rampart::console {

class FleetModel;

// What this console's certificate may change. Each node tells the console its role
// (FleetModel::roleOf); a viewer certificate gets a read-only console, and the controls say why.
class AccessPolicy {
public:
    // Why an action on `target` (a node, or empty for the whole fleet) is not allowed, in words
    // for a tooltip; empty when it is allowed or not yet known. For the whole fleet the console
    // is read-only when it is a viewer on every node.
    static QString readOnlyReason(const FleetModel& fleet, const QString& target);
};

}  // namespace rampart::console
