#pragma once

#include "rampart/v1/control.pb.h"
#include "rpc/client/FleetTypes.h"

namespace rampart::rpc {

// Between the wire (rampart.v1 messages) and the plain structs the console works with.
fleet::Snapshot fromWire(const v1::Snapshot& in);
fleet::Limits fromWire(const v1::Limits& in);
fleet::NodeInfo fromWire(const v1::NodeInfo& in);
fleet::ScaleStatus fromWire(const v1::ScaleStatus& in);
void toWire(const fleet::Limits& in, v1::Limits& out);

}  // namespace rampart::rpc
