// The RateLimiter interface's defaults and the spelling of RateLimitMode.
#include "authkit/rate_limiter.hpp"

namespace authkit {
inline namespace v1 {

std::string_view to_string(RateLimitMode mode) noexcept {
  return mode == RateLimitMode::kRedis ? "redis" : "memory";
}

std::int64_t reset_after_seconds(const RateLimitDecision& decision) noexcept {
  const std::int64_t ms = decision.reset_after.count();
  std::int64_t seconds = ms <= 0 ? 0 : (ms + 999) / 1000;
  if (!decision.allowed && seconds < 1) seconds = 1;
  return seconds;
}

RateLimiter::~RateLimiter() = default;

Result<void> RateLimiter::ping() { return {}; }

std::uint64_t RateLimiter::fallback_total() const noexcept { return 0; }

}  // namespace v1
}  // namespace authkit
