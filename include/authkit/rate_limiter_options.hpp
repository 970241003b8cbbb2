/// @file
/// Tunables of the rate-limit backends: key bound, shards, Redis pool and timeouts, back-off.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "authkit/clock.hpp"

namespace authkit {
inline namespace v1 {

/// The in-memory backend (docs/rate-limiting.md, "Memory backend").
struct MemoryRateLimiterOptions {
  /// Most keys of the other buckets (per-address requests) held at once; past it the least
  /// recently hit key of a shard is evicted. The original service's bound.
  std::size_t max_keys = 10000;
  /// Independent locks; more shards, less contention between request threads.
  std::size_t shards = 16;
  /// Buckets whose windows are never evicted while they run: a lock-out that traffic on other
  /// keys could push out would not be a lock-out. The default is RateLimitPolicy::kAccountBucket.
  std::vector<std::string> lockout_buckets{"login_account"};
  /// Keys of the lock-out buckets counted exactly (about 100 bytes each, plus 64 bytes each of
  /// overflow cells backed by memory only when used); past it they are counted in a fixed-size
  /// sketch that may over-count but never forgets.
  std::size_t max_lockout_keys = 100000;
};

/// The Redis backend.
struct RedisRateLimiterOptions {
  /// Most connections open at once; a hit waits for a free one past that.
  std::size_t pool_size = 8;
  Duration connect_timeout{100};  ///< Longest wait for a connection to Redis.
  /// Per command: a reply slower than this fails the hit (the fail-soft wrapper then counts it
  /// in memory) so that a stuck Redis cannot stall logins.
  Duration command_timeout{100};
};

/// The fail-soft wrapper: how long Redis is left alone after it failed.
struct FailSoftOptions {
  Duration initial_backoff{1000};  ///< first retry after this
  Duration max_backoff{30000};     ///< doubling stops here
};

/// The options of every limiter make_rate_limiter may build.
struct RateLimiterOptions {
  MemoryRateLimiterOptions memory;  ///< The memory limiter's (also the fail-soft fallback).
  RedisRateLimiterOptions redis;    ///< The Redis limiter's.
  FailSoftOptions fail_soft;        ///< The fail-soft wrapper's.
};

}  // namespace v1
}  // namespace authkit
