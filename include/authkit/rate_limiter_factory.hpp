/// @file
/// make_rate_limiter: the memory backend, or Redis with a fail-soft fallback to memory.
#pragma once

#include <memory>
#include <optional>
#include <string>

#include "authkit/clock.hpp"
#include "authkit/export.hpp"
#include "authkit/logger.hpp"
#include "authkit/rate_limiter.hpp"
#include "authkit/rate_limiter_options.hpp"
#include "authkit/result.hpp"

namespace authkit {
inline namespace v1 {

/// Without `redis_url`: the in-memory limiter. With one
/// (`redis://[[user]:password@]host[:port][/db]`): Redis, falling back to memory while Redis fails
/// (one Logger event per change of state, fallback_total() counts the hits served from memory).
/// Does not connect: an unreachable Redis shows in ping() and in the fallback, not here. Fails with
/// kInvalidConfiguration for a URL it cannot use (`rediss://`, a bad port, ...), with a message
/// that never repeats the password. Null `clock` means the system clock, null `logger` drops
/// events.
AUTHKIT_API Result<std::unique_ptr<RateLimiter>> make_rate_limiter(
    const std::optional<std::string>& redis_url, const RateLimiterOptions& options = {},
    std::shared_ptr<const Clock> clock = nullptr, std::shared_ptr<Logger> logger = nullptr);

}  // namespace v1
}  // namespace authkit
