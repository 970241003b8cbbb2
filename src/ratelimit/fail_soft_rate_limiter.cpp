// The fail-soft wrapper: state machine, back-off on the injected clock, one log per change.
#include "ratelimit/fail_soft_rate_limiter.hpp"

#include <algorithm>
#include <utility>

#include "ratelimit/rate_limit_key.hpp"

namespace authkit {
inline namespace v1 {

FailSoftRateLimiter::FailSoftRateLimiter(std::unique_ptr<RateLimiter> primary,
                                         std::unique_ptr<RateLimiter> fallback,
                                         FailSoftOptions options,
                                         std::shared_ptr<const Clock> clock,
                                         std::shared_ptr<Logger> logger)
    : primary_(std::move(primary)),
      fallback_(std::move(fallback)),
      options_(options),
      clock_(clock ? std::move(clock) : system_clock()),
      logger_(logger ? std::move(logger) : std::make_shared<NullLogger>()) {
  if (options_.initial_backoff.count() <= 0) options_.initial_backoff = Duration{1};
  options_.max_backoff = std::max(options_.max_backoff, options_.initial_backoff);
}

FailSoftRateLimiter::Route FailSoftRateLimiter::choose_route() {
  if (!degraded_.load(std::memory_order_acquire)) return Route::kPrimary;
  std::lock_guard lock(mutex_);
  if (!degraded_.load(std::memory_order_relaxed)) return Route::kPrimary;
  const TimePoint now = clock_->now();
  if (now < next_probe_) return Route::kFallback;
  // This hit probes; pushing next_probe_ keeps every other hit on the fallback meanwhile.
  next_probe_ = now + backoff_;
  return Route::kProbe;
}

void FailSoftRateLimiter::on_primary_failure(Route route, const Error& error) {
  std::lock_guard lock(mutex_);
  const TimePoint now = clock_->now();
  if (!degraded_.load(std::memory_order_relaxed)) {
    degraded_.store(true, std::memory_order_release);
    backoff_ = options_.initial_backoff;
    next_probe_ = now + backoff_;
    degraded_since_ = now;
    // The diagnostic names host:port/db and what failed; it never holds the password.
    logger_->log(LogLevel::kWarn, "rate_limiter_degraded",
                 {{"backend", std::string("redis")},
                  {"fallback", std::string("memory")},
                  {"error", error.diagnostic},
                  {"retry_in_ms", std::int64_t{backoff_.count()}}});
    return;
  }
  // Hits that were already in flight when another one degraded the limiter change nothing;
  // only a failed probe lengthens the back-off.
  if (route == Route::kProbe) {
    backoff_ = std::min(backoff_ * 2, options_.max_backoff);
    next_probe_ = now + backoff_;
  }
}

void FailSoftRateLimiter::on_primary_success(Route route) {
  // Only a probe ends the degraded state: a success from a hit sent before the failure says
  // nothing about Redis now.
  if (route != Route::kProbe) return;
  std::lock_guard lock(mutex_);
  if (!degraded_.load(std::memory_order_relaxed)) return;
  degraded_.store(false, std::memory_order_release);
  const TimePoint now = clock_->now();
  logger_->log(LogLevel::kInfo, "rate_limiter_recovered",
               {{"backend", std::string("redis")},
                {"degraded_for_ms", std::int64_t{(now - degraded_since_).count()}}});
  backoff_ = options_.initial_backoff;
}

template <class Call>
Result<RateLimitDecision> FailSoftRateLimiter::route(const RateLimit& limit, bool count_fallback,
                                                     Call call) {
  // A caller's bad arguments are not a Redis failure: they must not degrade the limiter.
  AUTHKIT_RETURN_IF_ERROR(detail::validate_rate_limit(limit));
  const Route route = choose_route();
  if (route != Route::kFallback) {
    auto decision = call(*primary_);
    if (decision) {
      on_primary_success(route);
      return decision;
    }
    on_primary_failure(route, decision.error());
  }
  if (count_fallback) fallback_total_.fetch_add(1, std::memory_order_relaxed);
  return call(*fallback_);
}

Result<RateLimitDecision> FailSoftRateLimiter::hit(std::string_view bucket, std::string_view key,
                                                   const RateLimit& limit) {
  return route(limit, true, [&](RateLimiter& l) { return l.hit(bucket, key, limit); });
}

Result<RateLimitDecision> FailSoftRateLimiter::peek(std::string_view bucket, std::string_view key,
                                                    const RateLimit& limit) {
  return route(limit, false, [&](RateLimiter& l) { return l.peek(bucket, key, limit); });
}

Result<void> FailSoftRateLimiter::ping() { return primary_->ping(); }

std::uint64_t FailSoftRateLimiter::fallback_total() const noexcept {
  return fallback_total_.load(std::memory_order_relaxed);
}

}  // namespace v1
}  // namespace authkit
