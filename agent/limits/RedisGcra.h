#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>

#include "absl/status/statusor.h"

struct redisContext;

namespace rampart::limits {

// Where the fleet's shared limit state lives.
struct RedisEndpoint {
    std::string address;   // "host:port" or "unix:/path/to/socket"
    std::string password;  // AUTH, when the server asks for one; never logged
    std::chrono::milliseconds timeout{50};  // connect and each command
};

// "host:port" (IPv6 as "[::1]:6379") or "unix:/path"; an error names what is wrong.
absl::Status validateRedisAddress(const std::string& address);

// What Redis answered to a reservation.
struct Reservation {
    int64_t granted = 0;       // requests admitted now: all that were wanted, or 0
    int64_t retryAfterUs = 0;  // when 0: how long until all would be
};

// One connection to Redis holding a GCRA state under `key`, shared by every agent of the fleet.
// A reservation runs as one Lua script, so it is atomic across the fleet, and uses the Redis
// server's clock, so the agents' clocks do not need to agree. State expires on its own once idle.
//
// Synchronous (hiredis, with timeouts): a connection belongs to one thread.
class RedisGcra {
public:
    ~RedisGcra();
    RedisGcra(const RedisGcra&) = delete;
    RedisGcra& operator=(const RedisGcra&) = delete;

    static absl::StatusOr<std::unique_ptr<RedisGcra>> connect(const RedisEndpoint& endpoint);

    // `wanted` requests at once, or none, under a GCRA of `emissionUs` between requests and
    // `toleranceUs` of burst.
    absl::StatusOr<Reservation> reserve(const std::string& key, double emissionUs,
                                        double toleranceUs, int64_t wanted);

private:
    explicit RedisGcra(redisContext* context) : context_(context) {}
    absl::Status loadScript();

    redisContext* context_;
    std::string scriptSha_;
};

}  // namespace rampart::limits
