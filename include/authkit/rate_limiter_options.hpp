// Tunables of the rate-limit backends: key bound, shards, Redis pool and timeouts, back-off.
#pragma once

#include <cstddef>

#include "authkit/clock.hpp"

namespace authkit {
inline namespace v1 {

// The in-memory backend.
struct MemoryRateLimiterOptions {
  // Most keys held at once; past it the least recently hit key of a shard is evicted. The
  // original service's bound.
  std::size_t max_keys = 10000;
  // Independent locks; more shards, less contention between request threads.
  std::size_t shards = 16;
};

// The Redis backend.
struct RedisRateLimiterOptions {
  // Most connections open at once; a hit waits for a free one past that.
  std::size_t pool_size = 8;
  Duration connect_timeout{100};
  // Per command: a reply slower than this fails the hit (the fail-soft wrapper then counts it
  // in memory) so that a stuck Redis cannot stall logins.
  Duration command_timeout{100};
};

// The fail-soft wrapper: how long Redis is left alone after it failed.
struct FailSoftOptions {
  Duration initial_backoff{1000};  // first retry after this
  Duration max_backoff{30000};     // doubling stops here
};

struct RateLimiterOptions {
  MemoryRateLimiterOptions memory;
  RedisRateLimiterOptions redis;
  FailSoftOptions fail_soft;
};

}  // namespace v1
}  // namespace authkit
