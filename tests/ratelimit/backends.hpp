// The backends the conformance cases run against, with a way to end a window for each.
#pragma once

#include <chrono>
#include <memory>
#include <string>

#include "authkit/clock.hpp"
#include "authkit/rate_limiter.hpp"
#include "ratelimit/memory/memory_rate_limiter.hpp"
#include "test_names.hpp"
#if AUTHKIT_TEST_WITH_REDIS
#include "ratelimit/redis/redis_rate_limiter.hpp"
#include "redis_test_support.hpp"
#endif

namespace authkit::test {

inline TimePoint test_epoch() { return TimePoint(Duration(1'700'000'000'000)); }

// The memory backend on a ManualClock: windows end when the clock is told to move.
struct MemoryBackend {
  static constexpr RateLimitMode kMode = RateLimitMode::kMemory;
  std::shared_ptr<ManualClock> clock = std::make_shared<ManualClock>(test_epoch());
  std::shared_ptr<RateLimiter> limiter =
      std::make_shared<MemoryRateLimiter>(MemoryRateLimiterOptions{}, clock);

  void end_window(const std::string& /*bucket*/, const std::string& /*key*/, Duration window) {
    clock->advance(window + Duration{1});
  }
};

#if AUTHKIT_TEST_WITH_REDIS
// The Redis backend on the shared test server. Redis's own clock ends windows, so a window is
// ended by giving the key a 1 ms expiry and waiting until Redis reports it gone: the limiter
// sees exactly what it would see after a real window, without waiting a real window.
struct RedisBackend {
  static constexpr RateLimitMode kMode = RateLimitMode::kRedis;
  std::string url = shared_redis_url();
  std::shared_ptr<RateLimiter> limiter = make();
  RawRedis raw{url};

  std::shared_ptr<RateLimiter> make() {
    RedisRateLimiterOptions options;
    // Generous: the test machine is shared and slow; the timeout itself is tested elsewhere.
    options.connect_timeout = std::chrono::seconds(5);
    options.command_timeout = std::chrono::seconds(5);
    auto created = RedisRateLimiter::create(url, options);
    REQUIRE(created);
    return std::shared_ptr<RateLimiter>(std::move(*created));
  }

  void end_window(const std::string& bucket, const std::string& key, Duration /*window*/) {
    const std::string full = "rl:" + bucket + ":" + key;
    REQUIRE(raw.integer({"PEXPIRE", full, "1"}) == 1);
    raw.wait_until_gone(full);
  }
};
#endif

}  // namespace authkit::test
