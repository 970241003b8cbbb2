// make_rate_limiter: picks the backend from the presence of a Redis URL.
#include "authkit/rate_limiter_factory.hpp"

#include <utility>

#include "ratelimit/fail_soft_rate_limiter.hpp"
#include "ratelimit/memory/memory_rate_limiter.hpp"
#if AUTHKIT_HAVE_REDIS
#include "ratelimit/redis/redis_rate_limiter.hpp"
#endif

namespace authkit {
inline namespace v1 {

Result<std::unique_ptr<RateLimiter>> make_rate_limiter(const std::optional<std::string>& redis_url,
                                                       const RateLimiterOptions& options,
                                                       std::shared_ptr<const Clock> clock,
                                                       std::shared_ptr<Logger> logger) {
  if (!clock) clock = system_clock();
  auto memory = std::make_unique<MemoryRateLimiter>(options.memory, clock);
  if (!redis_url) return std::unique_ptr<RateLimiter>(std::move(memory));
#if AUTHKIT_HAVE_REDIS
  auto redis = RedisRateLimiter::create(*redis_url, options.redis);
  if (!redis) return std::move(redis).error();
  return std::unique_ptr<RateLimiter>(
      std::make_unique<FailSoftRateLimiter>(std::move(*redis), std::move(memory), options.fail_soft,
                                            std::move(clock), std::move(logger)));
#else
  (void)logger;
  Error e(ErrorCode::kInvalidConfiguration,
          "REDIS_URL: this libauthkit was built without Redis support (AUTHKIT_WITH_REDIS=OFF)");
  e.message = e.diagnostic;
  return e;
#endif
}

}  // namespace v1
}  // namespace authkit
