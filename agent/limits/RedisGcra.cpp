#include "limits/RedisGcra.h"

#include <hiredis/hiredis.h>

#include <charconv>
#include <cstdio>
#include <string_view>

#include "absl/strings/str_cat.h"

namespace rampart::limits {
namespace {

// The GCRA of Gcra.h for a batch of requests, in microseconds on the Redis server's clock.
// KEYS[1]: the state (the theoretical arrival time). ARGV: emission, tolerance, requests wanted.
// Returns {granted, retry-after µs}: all that was wanted, or none and when all would fit. All or
// none, because at the limit a request or two frees up every emission interval: granting those
// would bring each thread of each agent back for every request or two, a Redis call per request
// exactly when the fleet is busiest. Waiting for a whole batch loses nothing (the GCRA keeps the
// time) and delays an admission by at most one batch (≤ the lease, 10 ms by default).
// The TAT is stored with fractions of a microsecond as text, because Lua's default number
// formatting would round a 16-digit time.
constexpr const char* kReserveScript = R"lua(
local clock = redis.call('TIME')
local now = tonumber(clock[1]) * 1000000 + tonumber(clock[2])
local emission = tonumber(ARGV[1])
local tolerance = tonumber(ARGV[2])
local wanted = tonumber(ARGV[3])
local tat = tonumber(redis.call('GET', KEYS[1])) or now
tat = math.min(math.max(tat, now), now + tolerance)
if math.floor((now + tolerance - tat) / emission) < wanted then
  return {0, math.ceil(tat + wanted * emission - tolerance - now)}
end
tat = tat + wanted * emission
redis.call('SET', KEYS[1], string.format('%.3f', tat), 'PX', math.ceil((tat - now) / 1000) + 1000)
return {wanted, 0}
)lua";

struct ReplyDeleter {
    void operator()(redisReply* reply) const { freeReplyObject(reply); }
};
using Reply = std::unique_ptr<redisReply, ReplyDeleter>;

timeval toTimeval(std::chrono::milliseconds ms) {
    return {static_cast<time_t>(ms.count() / 1000), static_cast<suseconds_t>(ms.count() % 1000 * 1000)};
}

struct ParsedAddress {
    std::string host;  // or the socket path
    int port = 0;      // 0: a unix socket
};

absl::StatusOr<ParsedAddress> parseAddress(std::string_view address) {
    if (address.starts_with("unix:")) {
        const auto path = address.substr(5);
        if (path.empty() || path.front() != '/') {
            return absl::InvalidArgumentError("expected unix:/absolute/path/to/socket");
        }
        return ParsedAddress{std::string(path), 0};
    }
    const size_t colon = address.rfind(':');
    if (colon == std::string_view::npos || colon == 0) {
        return absl::InvalidArgumentError("expected host:port or unix:/path, for example 127.0.0.1:6379");
    }
    std::string_view host = address.substr(0, colon);
    if (host.size() >= 2 && host.front() == '[' && host.back() == ']') {
        host = host.substr(1, host.size() - 2);
    }
    const auto portText = address.substr(colon + 1);
    int port = 0;
    const auto [end, ec] = std::from_chars(portText.data(), portText.data() + portText.size(), port);
    if (ec != std::errc() || end != portText.data() + portText.size() || port < 1 || port > 65535) {
        return absl::InvalidArgumentError(absl::StrCat("bad port in ", std::string(address)));
    }
    return ParsedAddress{std::string(host), port};
}

// The connection's error, or the server's error reply, as a status. Never includes arguments.
absl::Status failure(redisContext* context, const redisReply* reply, std::string_view what) {
    std::string why = !reply               ? (context->errstr[0] ? context->errstr : "no reply")
                      : reply->str != nullptr ? std::string(reply->str, reply->len)
                                              : "unexpected reply";
    if (!why.empty() && why.back() == '.') why.pop_back();  // Redis ends its errors with one
    return absl::UnavailableError(absl::StrCat("redis ", std::string(what), ": ", why));
}

}  // namespace

absl::Status validateRedisAddress(const std::string& address) { return parseAddress(address).status(); }

RedisGcra::~RedisGcra() { redisFree(context_); }

absl::StatusOr<std::unique_ptr<RedisGcra>> RedisGcra::connect(const RedisEndpoint& endpoint) {
    auto address = parseAddress(endpoint.address);
    if (!address.ok()) return address.status();
    const timeval timeout = toTimeval(endpoint.timeout);
    redisContext* context =
        address->port == 0 ? redisConnectUnixWithTimeout(address->host.c_str(), timeout)
                           : redisConnectWithTimeout(address->host.c_str(), address->port, timeout);
    if (!context) return absl::ResourceExhaustedError("redis: cannot allocate a connection");
    std::unique_ptr<RedisGcra> connection(new RedisGcra(context));
    if (context->err) {
        return absl::UnavailableError(absl::StrCat("redis connect ", endpoint.address, ": ", context->errstr));
    }
    if (redisSetTimeout(context, timeout) != REDIS_OK) {
        return absl::UnavailableError("redis: cannot set the command timeout");
    }
    if (!endpoint.password.empty()) {
        Reply reply(static_cast<redisReply*>(
            redisCommand(context, "AUTH %b", endpoint.password.data(), endpoint.password.size())));
        if (!reply || reply->type == REDIS_REPLY_ERROR) return failure(context, reply.get(), "AUTH");
    }
    if (auto loaded = connection->loadScript(); !loaded.ok()) return loaded;
    return connection;
}

absl::Status RedisGcra::loadScript() {
    Reply reply(static_cast<redisReply*>(redisCommand(context_, "SCRIPT LOAD %s", kReserveScript)));
    if (!reply || reply->type != REDIS_REPLY_STRING) return failure(context_, reply.get(), "SCRIPT LOAD");
    scriptSha_.assign(reply->str, reply->len);
    return absl::OkStatus();
}

absl::StatusOr<Reservation> RedisGcra::reserve(const std::string& key, double emissionUs,
                                               double toleranceUs, int64_t wanted) {
    char emission[32], tolerance[32], count[24];
    std::snprintf(emission, sizeof emission, "%.3f", emissionUs);
    std::snprintf(tolerance, sizeof tolerance, "%.3f", toleranceUs);
    std::snprintf(count, sizeof count, "%lld", static_cast<long long>(wanted));
    for (int attempt = 0; attempt < 2; ++attempt) {
        Reply reply(static_cast<redisReply*>(redisCommand(context_, "EVALSHA %s 1 %b %s %s %s",
                                                          scriptSha_.c_str(), key.data(), key.size(),
                                                          emission, tolerance, count)));
        // A restarted (or flushed) server has forgotten the script: load it again, once.
        if (reply && reply->type == REDIS_REPLY_ERROR && std::string_view(reply->str, reply->len).starts_with("NOSCRIPT") &&
            attempt == 0) {
            if (auto loaded = loadScript(); !loaded.ok()) return loaded;
            continue;
        }
        if (!reply || reply->type != REDIS_REPLY_ARRAY || reply->elements != 2 ||
            reply->element[0]->type != REDIS_REPLY_INTEGER ||
            reply->element[1]->type != REDIS_REPLY_INTEGER) {
            return failure(context_, reply.get(), "reserve");
        }
        return Reservation{reply->element[0]->integer, reply->element[1]->integer};
    }
    return absl::UnavailableError("redis reserve: script could not be loaded");
}

}  // namespace rampart::limits
