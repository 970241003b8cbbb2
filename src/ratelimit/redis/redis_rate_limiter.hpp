// RedisRateLimiter: fixed windows kept in Redis, shared by every process that uses the server.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "authkit/rate_limiter.hpp"
#include "authkit/rate_limiter_options.hpp"
#include "ratelimit/redis/redis_connection_pool.hpp"
#include "ratelimit/redis/redis_url.hpp"

namespace authkit {
inline namespace v1 {

// One round trip per hit: a Lua script increments `rl:<bucket>:<key>`, gives it the window as
// its expiry when it has none, and returns the count and the PTTL, atomically (the original
// sent INCR and PEXPIRE separately and could leave a key without expiry:
// docs/compatibility.md#redis-atomic-window). The script is called by its SHA (EVALSHA) and sent in
// full (EVAL) only when the server answers NOSCRIPT. Redis's clock, not the injected one, ends the
// windows.
//
// Errors (Redis down, timeout) are returned: wrap it in FailSoftRateLimiter to count in memory
// instead. Thread-safe.
class RedisRateLimiter final : public RateLimiter {
 public:
  // Parses `redis_url` (see parse_redis_url); does not connect.
  static Result<std::unique_ptr<RedisRateLimiter>> create(std::string_view redis_url,
                                                          RedisRateLimiterOptions options = {});

  RedisRateLimiter(RedisEndpoint endpoint, RedisRateLimiterOptions options);

  Result<RateLimitDecision> hit(std::string_view bucket, std::string_view key,
                                const RateLimit& limit) override;
  Result<RateLimitDecision> peek(std::string_view bucket, std::string_view key,
                                 const RateLimit& limit) override;
  // PING on a pooled connection.
  Result<void> ping() override;

  // A Lua script and its SHA-1 (defined in the .cpp).
  struct Script;

 private:
  // Runs `script` on `key` with `arg`, expecting {count, pttl}.
  Result<RateLimitDecision> run(const Script& script, std::string_view bucket, std::string_view key,
                                const RateLimit& limit, bool is_peek);
  Result<RedisReply> eval(RedisConnection& connection, const Script& script,
                          std::string_view full_key, std::string_view arg);

  RedisConnectionPool pool_;
};

}  // namespace v1
}  // namespace authkit
