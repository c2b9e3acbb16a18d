#include "keys/KeySource.h"

#include "keys/JwksFileSource.h"
#include "keys/JwksUrlSource.h"

namespace rampart::keys {

std::unique_ptr<KeySource> makeKeySource(const config::KeySourceConfig& config) {
    if (!config.url.empty()) {
        return std::make_unique<JwksUrlSource>(config.url, config.caFile, config.refreshInterval,
                                               config.fetchTimeout);
    }
    return std::make_unique<JwksFileSource>(config.file, config.watchInterval);
}

}  // namespace rampart::keys
