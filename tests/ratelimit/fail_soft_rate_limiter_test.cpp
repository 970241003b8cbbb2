// The fail-soft state machine on a fake clock: routing, back-off, fallback count, log events.
// (The same wrapper against real, stopped and restarted Redis servers is in redis_fail_soft_test.)
#include <catch2/catch.hpp>

#include <atomic>

#include "authkit/clock.hpp"
#include "ratelimit/fail_soft_rate_limiter.hpp"
#include "ratelimit/memory/memory_rate_limiter.hpp"
#include "recording_logger.hpp"

using authkit::Duration;
using authkit::ManualClock;
using authkit::RateLimit;
using authkit::RateLimitMode;
using authkit::TimePoint;

namespace {

// A primary that can be switched off: a memory limiter reporting itself as Redis, which fails
// every call while `down` is set. It stands in for Redis only to drive the state machine; the
// real Redis backend is tested against real servers.
class SwitchablePrimary final : public authkit::RateLimiter {
 public:
  explicit SwitchablePrimary(std::shared_ptr<const authkit::Clock> clock)
      : inner_(authkit::MemoryRateLimiterOptions{}, std::move(clock)) {}

  authkit::Result<authkit::RateLimitDecision> hit(std::string_view bucket, std::string_view key,
                                                  const RateLimit& limit) override {
    return as_redis([&] { return inner_.hit(bucket, key, limit); });
  }
  authkit::Result<authkit::RateLimitDecision> peek(std::string_view bucket, std::string_view key,
                                                   const RateLimit& limit) override {
    return as_redis([&] { return inner_.peek(bucket, key, limit); });
  }

  std::atomic<bool> down{false};
  std::atomic<int> calls{0};

 private:
  // Counts the call; fails it while `down`, else answers from memory in the guise of Redis.
  template <class Call>
  authkit::Result<authkit::RateLimitDecision> as_redis(const Call& call) {
    ++calls;
    if (down) return authkit::Error(authkit::ErrorCode::kServiceUnavailable, "redis down");
    auto d = call();
    if (d) d->mode = RateLimitMode::kRedis;
    return d;
  }

  authkit::MemoryRateLimiter inner_;
};

struct Fixture {
  std::shared_ptr<ManualClock> clock =
      std::make_shared<ManualClock>(TimePoint(Duration(1'700'000'000'000)));
  std::shared_ptr<authkit::test::RecordingLogger> logger =
      std::make_shared<authkit::test::RecordingLogger>();
  SwitchablePrimary* primary = nullptr;
  std::unique_ptr<authkit::FailSoftRateLimiter> limiter = make();

  std::unique_ptr<authkit::FailSoftRateLimiter> make() {
    auto p = std::make_unique<SwitchablePrimary>(clock);
    primary = p.get();
    return std::make_unique<authkit::FailSoftRateLimiter>(
        std::move(p),
        std::make_unique<authkit::MemoryRateLimiter>(authkit::MemoryRateLimiterOptions{}, clock),
        authkit::FailSoftOptions{}, clock, logger);
  }

  RateLimitMode hit() {
    auto d = limiter->hit("auth", "ip", RateLimit{1000, Duration{60000}});
    REQUIRE(d);  // never an error, whatever the primary does
    return d->mode;
  }
};

}  // namespace

TEST_CASE("fail-soft: Redis errors are answered from memory, counted and logged once",
          "[ratelimit][failsoft]") {
  Fixture f;
  CHECK(f.hit() == RateLimitMode::kRedis);
  CHECK(f.limiter->fallback_total() == 0);
  CHECK(f.logger->events().empty());

  f.primary->down = true;
  CHECK(f.hit() == RateLimitMode::kMemory);
  CHECK(f.limiter->degraded());
  const int calls_after_failure = f.primary->calls;
  for (int i = 0; i < 50; ++i) CHECK(f.hit() == RateLimitMode::kMemory);
  // While backing off Redis is not touched at all.
  CHECK(f.primary->calls == calls_after_failure);
  CHECK(f.limiter->fallback_total() == 51);

  auto events = f.logger->events();
  REQUIRE(events.size() == 1);
  CHECK(events[0].name == "rate_limiter_degraded");
  CHECK(events[0].level == authkit::LogLevel::kWarn);
  CHECK(f.logger->all_text().find("redis down") != std::string::npos);
}

TEST_CASE("fail-soft: the back-off doubles from 1 s up to 30 s on the injected clock",
          "[ratelimit][failsoft]") {
  Fixture f;
  f.primary->down = true;
  REQUIRE(f.hit() == RateLimitMode::kMemory);  // degraded now; first probe in 1 s
  for (long long backoff : {1000LL, 2000LL, 4000LL, 8000LL, 16000LL, 30000LL, 30000LL}) {
    CAPTURE(backoff);
    const int calls = f.primary->calls;
    f.clock->advance(Duration{backoff - 1});
    f.hit();
    CHECK(f.primary->calls == calls);  // not yet
    f.clock->advance(Duration{1});
    f.hit();
    CHECK(f.primary->calls == calls + 1);  // one probe, which fails
    f.hit();
    CHECK(f.primary->calls == calls + 1);  // and the next hits do not probe again
  }
  CHECK(f.logger->events().size() == 1);
}

TEST_CASE("fail-soft: after the back-off a working Redis takes the traffic back",
          "[ratelimit][failsoft]") {
  Fixture f;
  f.primary->down = true;
  REQUIRE(f.hit() == RateLimitMode::kMemory);
  f.primary->down = false;
  // Up again, but the back-off has not passed: still memory.
  CHECK(f.hit() == RateLimitMode::kMemory);
  f.clock->advance(Duration{1000});
  CHECK(f.hit() == RateLimitMode::kRedis);
  CHECK_FALSE(f.limiter->degraded());
  CHECK(f.hit() == RateLimitMode::kRedis);
  CHECK(f.limiter->fallback_total() == 2);

  auto events = f.logger->events();
  REQUIRE(events.size() == 2);
  CHECK(events[1].name == "rate_limiter_recovered");

  // A second outage starts again from a 1 s back-off and logs once more.
  f.primary->down = true;
  CHECK(f.hit() == RateLimitMode::kMemory);
  f.primary->down = false;
  f.clock->advance(Duration{1000});
  CHECK(f.hit() == RateLimitMode::kRedis);
  CHECK(f.logger->events().size() == 4);
}

TEST_CASE("fail-soft: invalid arguments are the caller's error, not a Redis failure",
          "[ratelimit][failsoft]") {
  Fixture f;
  auto bad = f.limiter->hit("auth", "ip", RateLimit{10, Duration{0}});
  REQUIRE_FALSE(bad);
  CHECK(bad.error().code == authkit::ErrorCode::kInvalidConfiguration);
  CHECK_FALSE(f.limiter->degraded());
  CHECK(f.limiter->fallback_total() == 0);
  CHECK(f.logger->events().empty());
}

TEST_CASE("fail-soft: peeks follow the same route but are not counted as fallback hits",
          "[ratelimit][failsoft]") {
  Fixture f;
  f.primary->down = true;
  auto p = f.limiter->peek("login_account", "k", RateLimit{10, Duration{60000}});
  REQUIRE(p);
  CHECK(p->mode == RateLimitMode::kMemory);
  CHECK(f.limiter->fallback_total() == 0);
  CHECK(f.logger->events().size() == 1);
}
