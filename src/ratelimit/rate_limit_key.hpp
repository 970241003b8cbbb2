// Shared by the backends: the `rl:<bucket>:<key>` key and the check of a RateLimit's values.
#pragma once

#include <string>
#include <string_view>

#include "authkit/error.hpp"
#include "authkit/rate_limiter.hpp"
#include "authkit/result.hpp"

namespace authkit {
inline namespace v1 {
namespace detail {

// Writes `rl:<bucket>:<key>` into `out` (reused by the caller to spare an allocation per hit).
// The same spelling as the original service, so Redis keys stay compatible.
inline void make_rate_limit_key(std::string& out, std::string_view bucket, std::string_view key) {
  out.clear();
  out.reserve(4 + bucket.size() + key.size());
  out.append("rl:").append(bucket).push_back(':');
  out.append(key);
}

// A window of 0 would never reset and a negative limit means nothing: both are caller bugs that
// must not reach a backend (nor degrade the fail-soft wrapper).
inline Result<void> validate_rate_limit(const RateLimit& limit) {
  if (limit.window.count() <= 0) {
    return Error(ErrorCode::kInvalidConfiguration, "rate limit window must be positive");
  }
  if (limit.max_hits < 0) {
    return Error(ErrorCode::kInvalidConfiguration, "rate limit max_hits must not be negative");
  }
  return {};
}

// The decision for `count` hits in a window with `reset_after` left.
inline RateLimitDecision decide(std::int64_t count, std::int64_t limit, Duration reset_after,
                                RateLimitMode mode) {
  RateLimitDecision d;
  d.count = count;
  d.limit = limit;
  d.allowed = count <= limit;
  d.remaining = count >= limit ? 0 : limit - count;
  d.reset_after = reset_after.count() < 0 ? Duration{0} : reset_after;
  d.mode = mode;
  return d;
}

// A peek's decision: whether one more hit would pass.
inline RateLimitDecision decide_peek(std::int64_t count, std::int64_t limit, Duration reset_after,
                                     RateLimitMode mode) {
  RateLimitDecision d = decide(count, limit, reset_after, mode);
  d.allowed = count < limit;
  return d;
}

}  // namespace detail
}  // namespace v1
}  // namespace authkit
