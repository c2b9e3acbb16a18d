#include "ui/AccessPolicy.h"

#include <QCoreApplication>
#include <QStringList>

#include "models/FleetModel.h"

namespace rampart::console {

QString AccessPolicy::readOnlyReason(const FleetModel& fleet, const QString& target) {
    const auto tr = [](const char* text) {
        return QCoreApplication::translate("AccessPolicy", text);
    };
    if (!target.isEmpty()) {
        if (fleet.roleOf(target) == QLatin1String("viewer")) {
            return tr("your certificate is a viewer on %1: read-only").arg(target);
        }
        return {};
    }
    const QStringList nodes = fleet.nodeNames();
    if (nodes.isEmpty()) return {};
    for (const auto& node : nodes) {
        if (fleet.roleOf(node) != QLatin1String("viewer")) return {};
    }
    return nodes.size() == 1
               ? tr("your certificate is a viewer on %1: read-only").arg(nodes.first())
               : tr("your certificate is a viewer on every node: read-only");
}

}  // namespace rampart::console
