// RedisConnectionPool: a bounded set of connections shared by request threads.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <memory>
#include <mutex>
#include <vector>

#include "authkit/rate_limiter_options.hpp"
#include "authkit/result.hpp"
#include "ratelimit/redis/redis_connection.hpp"
#include "ratelimit/redis/redis_url.hpp"

namespace authkit {
inline namespace v1 {

// Connections are opened on demand (never at construction, so an unreachable Redis does not
// stop a server from starting), reused while healthy and dropped after any I/O error or
// timeout; the next acquire opens a fresh one: that is how the pool reconnects.
//
// Thread-safe.
class RedisConnectionPool {
 public:
  // A connection on loan; it goes back to the pool when the Lease dies, unless broken.
  class Lease {
   public:
    Lease(RedisConnectionPool* pool, std::unique_ptr<RedisConnection> connection, bool reused)
        : pool_(pool), connection_(std::move(connection)), reused_(reused) {}
    Lease(Lease&& other) noexcept = default;
    Lease& operator=(Lease&&) = delete;
    Lease(const Lease&) = delete;
    Lease& operator=(const Lease&) = delete;
    ~Lease();

    RedisConnection& operator*() const { return *connection_; }
    RedisConnection* operator->() const { return connection_.get(); }
    // True when the connection was idle in the pool (it may have died since its last use).
    bool reused() const noexcept { return reused_; }

   private:
    RedisConnectionPool* pool_;
    std::unique_ptr<RedisConnection> connection_;
    bool reused_;
  };

  RedisConnectionPool(RedisEndpoint endpoint, RedisRateLimiterOptions options);

  // An idle connection, a new one while fewer than pool_size are open, or else the first one
  // returned within connect_timeout + command_timeout.
  Result<Lease> acquire();

  // Drops every idle connection: after one connection saw the server go away, the others
  // (same server) are dead too, and reusing them would fail the first hit after a restart.
  void discard_idle();

  const RedisEndpoint& endpoint() const noexcept { return endpoint_; }

 private:
  void release(std::unique_ptr<RedisConnection> connection);

  const RedisEndpoint endpoint_;
  RedisRateLimiterOptions options_;
  std::mutex mutex_;
  std::condition_variable available_;
  std::vector<std::unique_ptr<RedisConnection>> idle_;
  std::size_t open_ = 0;  // idle + on loan + being opened
};

}  // namespace v1
}  // namespace authkit
