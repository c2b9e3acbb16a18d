#pragma once

#include <grpcpp/grpcpp.h>

#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"

namespace rampart::rpc {

// The client side of the control plane's mutual TLS: the CA that signed the nodes'
// certificates, and this client's own certificate and key.
struct TlsFiles {
    std::string caFile;
    std::string certFile;
    std::string keyFile;
};

struct FleetNode {
    std::string name;
    std::string address;  // host:port of the node's control plane
};

// A fleet file (YAML) lists nodes and, optionally, the TLS files to reach them:
//   tls: {ca: ca.crt, cert: operator.crt, key: operator.key}
//   nodes:
//     - {name: auth-1, address: "10.0.0.11:7402"}
// Relative paths are resolved against the file's directory.
struct Fleet {
    TlsFiles tls;
    std::vector<FleetNode> nodes;
};
absl::StatusOr<Fleet> loadFleetFile(const std::string& path);
absl::Status saveFleetFile(const std::string& path, const Fleet& fleet);

// A channel to one node's control plane. Certificates are read now; an unreadable file is an
// error that names it.
absl::StatusOr<std::shared_ptr<grpc::Channel>> makeControlChannel(const std::string& address,
                                                                  const TlsFiles& tls);

}  // namespace rampart::rpc
