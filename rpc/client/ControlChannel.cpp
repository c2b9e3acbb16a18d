#include "rpc/client/ControlChannel.h"

#include <yaml-cpp/yaml.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "rampart/v1/ControlBounds.h"

namespace rampart::rpc {
namespace {

absl::StatusOr<std::string> readFile(const std::string& path, const char* what) {
    if (path.empty()) return absl::InvalidArgumentError(std::string(what) + " is not set");
    std::ifstream in(path, std::ios::binary);
    if (!in) return absl::NotFoundError(std::string("cannot read ") + what + " " + path);
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

std::string resolve(const std::string& path, const std::filesystem::path& base) {
    if (path.empty() || std::filesystem::path(path).is_absolute()) return path;
    return (base / path).lexically_normal().string();
}

}  // namespace

absl::StatusOr<Fleet> loadFleetFile(const std::string& path) {
    try {
        const YAML::Node root = YAML::LoadFile(path);
        const auto base = std::filesystem::path(path).parent_path();
        Fleet fleet;
        if (const auto tls = root["tls"]) {
            fleet.tls.caFile = resolve(tls["ca"].as<std::string>(""), base);
            fleet.tls.certFile = resolve(tls["cert"].as<std::string>(""), base);
            fleet.tls.keyFile = resolve(tls["key"].as<std::string>(""), base);
        }
        const auto nodes = root["nodes"];
        if (!nodes || !nodes.IsSequence()) {
            return absl::InvalidArgumentError(path + ": nodes: expected a list of {name, address}");
        }
        if (nodes.size() > 1000) return absl::InvalidArgumentError(path + ": at most 1000 nodes");
        for (const auto& node : nodes) {
            FleetNode n{node["name"].as<std::string>(""), node["address"].as<std::string>("")};
            if (n.address.find(':') == std::string::npos) {
                return absl::InvalidArgumentError(path + ": node \"" + n.name +
                                                  "\": address must be host:port");
            }
            if (n.name.empty()) n.name = n.address;
            fleet.nodes.push_back(std::move(n));
        }
        return fleet;
    } catch (const YAML::Exception& e) {
        return absl::InvalidArgumentError(path + ": " + e.what());
    }
}

absl::Status saveFleetFile(const std::string& path, const Fleet& fleet) {
    YAML::Emitter out;
    out << YAML::BeginMap;
    out << YAML::Key << "tls" << YAML::Value << YAML::BeginMap << YAML::Key << "ca" << YAML::Value
        << fleet.tls.caFile << YAML::Key << "cert" << YAML::Value << fleet.tls.certFile
        << YAML::Key << "key" << YAML::Value << fleet.tls.keyFile << YAML::EndMap;
    out << YAML::Key << "nodes" << YAML::Value << YAML::BeginSeq;
    for (const auto& node : fleet.nodes) {
        out << YAML::BeginMap << YAML::Key << "name" << YAML::Value << node.name << YAML::Key
            << "address" << YAML::Value << node.address << YAML::EndMap;
    }
    out << YAML::EndSeq << YAML::EndMap;
    const std::string temp = path + ".tmp";
    {
        std::ofstream file(temp, std::ios::trunc);
        if (!file) return absl::UnavailableError("cannot write " + temp);
        file << out.c_str() << "\n";
        if (!file) return absl::UnavailableError("cannot write " + temp);
    }
    std::error_code ec;
    std::filesystem::rename(temp, path, ec);
    if (ec) return absl::UnavailableError("cannot replace " + path + ": " + ec.message());
    return absl::OkStatus();
}

absl::StatusOr<std::shared_ptr<grpc::Channel>> makeControlChannel(const std::string& address,
                                                                  const TlsFiles& tls) {
    auto ca = readFile(tls.caFile, "the CA certificate");
    if (!ca.ok()) return ca.status();
    auto cert = readFile(tls.certFile, "the client certificate");
    if (!cert.ok()) return cert.status();
    auto key = readFile(tls.keyFile, "the client key");
    if (!key.ok()) return key.status();
    grpc::SslCredentialsOptions options;
    options.pem_root_certs = *ca;
    options.pem_cert_chain = *cert;
    options.pem_private_key = *key;
    grpc::ChannelArguments args;
    // What the node may answer at most (a full block or revocation list; the audit is paged) and
    // the biggest request it takes (a whole limit set): see ControlBounds.h.
    args.SetMaxReceiveMessageSize(static_cast<int>(v1::bounds::kMaxResponseBytes));
    args.SetMaxSendMessageSize(static_cast<int>(v1::bounds::kMaxRequestBytes));
    return grpc::CreateCustomChannel(address, grpc::SslCredentials(options), args);
}

}  // namespace rampart::rpc
