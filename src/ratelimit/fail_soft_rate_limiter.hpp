// FailSoftRateLimiter: Redis first, memory while Redis fails, never an error to the caller.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>

#include "authkit/clock.hpp"
#include "authkit/logger.hpp"
#include "authkit/rate_limiter.hpp"
#include "authkit/rate_limiter_options.hpp"

namespace authkit {
inline namespace v1 {

// Two states. Healthy: hits go to the primary (Redis). The first failure switches to degraded,
// logs one warning (`rate_limiter_degraded`) and answers from the fallback (memory). Degraded:
// hits go straight to the fallback without touching the primary until the back-off has passed
// on the injected clock (1 s, doubling after each failed probe, up to 30 s); then one hit probes
// the primary while the others keep using the fallback. A probe that succeeds switches back to
// healthy and logs one `rate_limiter_recovered`. Availability wins over exact global limits
// (docs/adr/0003-fail-soft-rate-limiting.md): while degraded each process counts on its own.
//
// Every hit answered by the fallback increments fallback_total(). Peeks follow the same route
// but are not counted (they are not hits). Thread-safe.
class FailSoftRateLimiter final : public RateLimiter {
 public:
  // Null `clock` means the system clock, null `logger` drops events.
  FailSoftRateLimiter(std::unique_ptr<RateLimiter> primary, std::unique_ptr<RateLimiter> fallback,
                      FailSoftOptions options = {}, std::shared_ptr<const Clock> clock = nullptr,
                      std::shared_ptr<Logger> logger = nullptr);

  Result<RateLimitDecision> hit(std::string_view bucket, std::string_view key,
                                const RateLimit& limit) override;
  Result<RateLimitDecision> peek(std::string_view bucket, std::string_view key,
                                 const RateLimit& limit) override;
  // The primary's readiness: a degraded limiter still answers, but /ready should show Redis down.
  Result<void> ping() override;
  std::uint64_t fallback_total() const noexcept override;

  bool degraded() const noexcept { return degraded_.load(std::memory_order_acquire); }

 private:
  enum class Route { kPrimary, kProbe, kFallback };

  Route choose_route();
  void on_primary_failure(Route route, const Error& error);
  void on_primary_success(Route route);
  template <class Call>
  Result<RateLimitDecision> route(const RateLimit& limit, bool count_fallback, Call call);

  std::unique_ptr<RateLimiter> primary_;
  std::unique_ptr<RateLimiter> fallback_;
  FailSoftOptions options_;
  std::shared_ptr<const Clock> clock_;
  std::shared_ptr<Logger> logger_;

  std::atomic<bool> degraded_{false};  // read without the lock on every hit
  std::atomic<std::uint64_t> fallback_total_{0};
  std::mutex mutex_;  // guards the fields below and state changes
  Duration backoff_{0};
  TimePoint next_probe_{};
  TimePoint degraded_since_{};
};

}  // namespace v1
}  // namespace authkit
