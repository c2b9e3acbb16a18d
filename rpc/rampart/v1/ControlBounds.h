#pragma once

// How big a rampart.v1.Control message can get, worked out from what an agent can hold. The
// control server and every control client size their gRPC message caps from these, so that a
// node holding its maximum still answers (the data plane keeps its own, much smaller cap); the
// agent checks its own limits against them at compile time (control/ControlService.cpp).
// Unbounded data (the audit log) is paged instead.

#include <algorithm>
#include <cstddef>

namespace rampart::v1::bounds {

// What an agent holds at most.
inline constexpr size_t kMaxBlocks = 10'000;
inline constexpr size_t kMaxRevocations = 100'000;
inline constexpr size_t kMaxReasonBytes = 512;
inline constexpr size_t kMaxSubjectBytes = 256;   // a blocked subject, a revoked subject or jti
inline constexpr size_t kMaxIdentityBytes = 256;  // a caller's certificate name, as recorded
inline constexpr size_t kMaxCidrs = 10'000;       // per list: blocklist, allowlist
// Any text Cidr::parse takes: the longest IPv6 form (45, with an embedded IPv4) plus "/128".
inline constexpr size_t kMaxCidrTextBytes = 64;
inline constexpr size_t kMaxCidrLists = 2;

// The audit log is unbounded: it is read in pages of at most this many entries and about this
// many bytes, and a field longer than kMaxAuditFieldBytes is cut (AuditEntry.truncated says so).
inline constexpr size_t kMaxAuditPageEntries = 1'000;
inline constexpr size_t kAuditPageBytes = size_t{4} << 20;
inline constexpr size_t kMaxAuditFieldBytes = size_t{1} << 20;
inline constexpr size_t kAuditStringFields = 6;  // actor, role, action, before, after, result

namespace wire {
// Protobuf encoding: a tag is at most 2 bytes here (field numbers < 2048), a varint at most 10,
// a length prefix at most 5.
constexpr size_t scalar() { return 2 + 10; }
constexpr size_t field(size_t bytes) { return 2 + 5 + bytes; }
}  // namespace wire

inline constexpr size_t kBlockEntryBytes = wire::field(
    wire::scalar() + wire::field(kMaxSubjectBytes) + wire::scalar() + wire::field(kMaxReasonBytes) +
    wire::field(kMaxIdentityBytes) + wire::scalar());
inline constexpr size_t kRevocationBytes = wire::field(
    2 * wire::field(kMaxSubjectBytes) + wire::scalar() + wire::field(kMaxReasonBytes) +
    wire::field(kMaxIdentityBytes) + wire::scalar());
inline constexpr size_t kLimitsBytes =
    kMaxCidrLists * kMaxCidrs * wire::field(kMaxCidrTextBytes) + 3 * wire::field(3 * 12) +
    2 * wire::scalar();
inline constexpr size_t kAuditEntryBytes =
    wire::field(kAuditStringFields * wire::field(kMaxAuditFieldBytes) + 2 * wire::scalar());
// A page stops before it would pass kAuditPageBytes, unless its only entry is bigger.
inline constexpr size_t kAuditPageMaxBytes =
    std::max(kAuditPageBytes, kAuditEntryBytes) + wire::field(32);

// The biggest request (UpdateLimits: a whole limit set and a reason) and the biggest answer
// (ListRevocations at kMaxRevocations dominates: about 130 MB; blocks are about 11 MB).
inline constexpr size_t kMaxRequestBytes =
    wire::field(kLimitsBytes) + wire::scalar() + wire::field(kMaxReasonBytes);
inline constexpr size_t kMaxResponseBytes =
    std::max({kMaxBlocks * kBlockEntryBytes, kMaxRevocations * kRevocationBytes, kLimitsBytes,
              kAuditPageMaxBytes});

static_assert(kMaxResponseBytes < size_t{1} << 30, "gRPC takes the cap as an int");

}  // namespace rampart::v1::bounds
