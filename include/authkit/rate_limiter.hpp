/// @file
/// RateLimiter: counts hits on (bucket, key) in fixed windows and says whether a hit may pass.
#pragma once

#include <cstdint>
#include <string_view>

#include "authkit/clock.hpp"
#include "authkit/export.hpp"
#include "authkit/result.hpp"

namespace authkit {
inline namespace v1 {

/// Which backend counted a hit: the `mode` label of auth_api_rate_limit_hits_total.
enum class RateLimitMode {
  kMemory,
  kRedis,
};

/// "memory" or "redis".
AUTHKIT_API std::string_view to_string(RateLimitMode mode) noexcept;

/// A limit: at most `max_hits` hits per fixed window of `window` (which must be positive).
struct RateLimit {
  std::int64_t max_hits = 100;  ///< Hits allowed per window.
  Duration window{60000};       ///< The window's length.
};

/// The answer to one hit (or peek), with what a server needs for `Retry-After` and the
/// `RateLimit-Limit` / `RateLimit-Remaining` / `RateLimit-Reset` headers.
struct RateLimitDecision {
  bool allowed = true;         ///< false: answer 429 TOO_MANY_REQUESTS
  std::int64_t limit = 0;      ///< the limit the hit was checked against
  std::int64_t remaining = 0;  ///< hits still allowed in this window (never negative)
  Duration reset_after{0};     ///< until the current window ends (never negative)
  std::int64_t count = 0;      ///< hits counted in this window, this one included
  RateLimitMode mode = RateLimitMode::kMemory;  ///< the backend that answered
};

/// Whole seconds until the window ends, rounded up, at least 1 for a rejected hit: the value of
/// `Retry-After` and `RateLimit-Reset`.
AUTHKIT_API std::int64_t reset_after_seconds(const RateLimitDecision& decision) noexcept;

/// Fixed windows as the original service counts them: a window starts at the first hit of a key
/// and lasts `window`; every hit counts, rejected ones included; the hit whose count after
/// incrementing exceeds `max_hits` is rejected (so `max_hits` hits pass per window).
///
/// Thread-safe: one instance is shared by every request thread. No method throws.
class AUTHKIT_API RateLimiter {
 public:
  virtual ~RateLimiter();

  /// Counts one hit on (bucket, key) and decides it. Fails only on invalid arguments or, for a
  /// backend without a fallback, when the backend cannot answer.
  virtual Result<RateLimitDecision> hit(std::string_view bucket, std::string_view key,
                                        const RateLimit& limit) = 0;

  /// The state of (bucket, key) without counting: `count` is the hits of the current window and
  /// `allowed` says whether one more hit would pass. For checks that must not consume quota (is
  /// this account locked?) while the hits are recorded elsewhere (failed logins).
  virtual Result<RateLimitDecision> peek(std::string_view bucket, std::string_view key,
                                         const RateLimit& limit) = 0;

  /// Readiness of the backend (a Redis PING); always succeeds for the memory backend.
  virtual Result<void> ping();

  /// How many hits were counted by the in-memory fallback because Redis failed or was backing
  /// off: auth_api_rate_limit_fallback_total. Always 0 for a limiter without a fallback.
  virtual std::uint64_t fallback_total() const noexcept;
};

}  // namespace v1
}  // namespace authkit
