// Fail-soft against real redis-server processes of the test's own: stopped, restarted, locked.
#include <hiredis/hiredis.h>
#include <catch2/catch.hpp>

#include "authkit/clock.hpp"
#include "authkit/rate_limit_policy.hpp"
#include "authkit/rate_limiter_factory.hpp"
#include "ratelimit/redis/redis_rate_limiter.hpp"
#include "recording_logger.hpp"
#include "redis_test_support.hpp"

using authkit::Duration;
using authkit::RateLimit;
using authkit::RateLimitMode;
using authkit::TimePoint;
using authkit::test::RawRedis;
using authkit::test::RecordingLogger;
using authkit::test::RedisProcess;

namespace {

authkit::RateLimiterOptions generous() {
  authkit::RateLimiterOptions options;
  options.redis = authkit::test::generous_redis_options();
  return options;
}

}  // namespace

TEST_CASE("redis fail-soft: a stopped Redis never fails a hit, a restarted one gets it back",
          "[ratelimit][redis][failsoft]") {
  RedisProcess server;
  server.start();
  auto clock = std::make_shared<authkit::ManualClock>(TimePoint(Duration(1'700'000'000'000)));
  auto logger = std::make_shared<RecordingLogger>();
  auto made = authkit::make_rate_limiter(server.url(), generous(), clock, logger);
  REQUIRE(made);
  auto& limiter = **made;
  const RateLimit limit{1000, Duration{60000}};

  // Several threads' worth of pooled connections exist when the server goes away.
  for (int i = 0; i < 3; ++i) {
    auto d = limiter.hit("auth", "1.2.3.4", limit);
    REQUIRE(d);
    CHECK(d->mode == RateLimitMode::kRedis);
  }
  CHECK(limiter.fallback_total() == 0);

  server.stop();
  for (int i = 0; i < 20; ++i) {
    auto d = limiter.hit("auth", "1.2.3.4", limit);
    REQUIRE(d);  // no error reaches the caller
    CHECK(d->mode == RateLimitMode::kMemory);
  }
  CHECK(limiter.fallback_total() == 20);
  CHECK_FALSE(limiter.ping());
  auto events = logger->events();
  REQUIRE(events.size() == 1);
  CHECK(events[0].name == "rate_limiter_degraded");

  // First probe after 1 s: Redis is still down, so the back-off doubles, without a new event.
  clock->advance(Duration{1000});
  REQUIRE(limiter.hit("auth", "1.2.3.4", limit)->mode == RateLimitMode::kMemory);
  CHECK(logger->events().size() == 1);

  server.start();
  {
    // Up again, but the limiter is backing off (2 s): hits stay in memory, Redis is not touched.
    auto d = limiter.hit("auth", "1.2.3.4", limit);
    REQUIRE(d);
    CHECK(d->mode == RateLimitMode::kMemory);
    RawRedis raw(server.url());
    CHECK(raw.integer({"EXISTS", "rl:auth:1.2.3.4"}) == 0);
  }
  CHECK(limiter.fallback_total() == 22);

  clock->advance(Duration{2000});
  auto back = limiter.hit("auth", "1.2.3.4", limit);
  REQUIRE(back);
  CHECK(back->mode == RateLimitMode::kRedis);
  // The restarted server was empty: this is its first hit on the key.
  CHECK(back->count == 1);
  RawRedis raw(server.url());
  auto value = raw.command({"GET", "rl:auth:1.2.3.4"});
  REQUIRE(value->str != nullptr);
  CHECK(std::string(value->str, value->len) == "1");
  CHECK(raw.integer({"PTTL", "rl:auth:1.2.3.4"}) > 0);
  CHECK(limiter.hit("auth", "1.2.3.4", limit)->mode == RateLimitMode::kRedis);
  CHECK(limiter.fallback_total() == 22);
  CHECK(limiter.ping());

  events = logger->events();
  REQUIRE(events.size() == 2);
  CHECK(events[1].name == "rate_limiter_recovered");
}

TEST_CASE("redis fail-soft: with Redis stopped, a lock-out in the fallback survives a flood",
          "[ratelimit][redis][failsoft][lockout]") {
  RedisProcess server;
  server.start();
  auto clock = std::make_shared<authkit::ManualClock>(TimePoint(Duration(1'700'000'000'000)));
  auto made = authkit::make_rate_limiter(server.url(), generous(), clock);
  REQUIRE(made);
  std::shared_ptr<authkit::RateLimiter> limiter = std::move(*made);
  authkit::RateLimitPolicy policy(limiter);  // 100 requests a minute, 10 failures per 15 min
  REQUIRE(policy.check_request("192.0.2.1")->mode == RateLimitMode::kRedis);

  // The clock stands still, so the back-off never ends: everything below is the fallback's.
  server.stop();
  const std::string victim = "victim@example.com";
  for (int i = 0; i < 10; ++i) REQUIRE(policy.record_login_failure(victim));
  auto locked = policy.check_account(victim);
  REQUIRE(locked);
  REQUIRE(locked->mode == RateLimitMode::kMemory);
  REQUIRE_FALSE(locked->allowed);

  // Five times the fallback's key bound in fresh addresses, and other accounts' failures past
  // its lock-out store's 100,000 keys.
  for (int i = 0; i < 50'000; ++i) {
    const std::string ip = "127." + std::to_string((i >> 16) & 0xff) + "." +
                           std::to_string((i >> 8) & 0xff) + "." + std::to_string(i & 0xff);
    auto d = policy.check_request(ip);
    if (!d || d->mode != RateLimitMode::kMemory || d->count != 1) FAIL("request " << i);
  }
  for (int i = 0; i < 110'000; ++i) {
    if (!policy.record_login_failure("other-" + std::to_string(i) + "@example.com")) {
      FAIL("failure " << i);
    }
  }
  auto still = policy.check_account(victim);
  REQUIRE(still);
  CHECK(still->mode == RateLimitMode::kMemory);
  CHECK_FALSE(still->allowed);
  CHECK(still->count == 10);
}

TEST_CASE("redis fail-soft: Redis unreachable from the start still serves every hit",
          "[ratelimit][redis][failsoft]") {
  auto clock = std::make_shared<authkit::ManualClock>(TimePoint(Duration(1'700'000'000'000)));
  auto logger = std::make_shared<RecordingLogger>();
  const int port = authkit::test::free_port();
  auto made = authkit::make_rate_limiter(
      "redis://:neverlogged@127.0.0.1:" + std::to_string(port) + "/0", generous(), clock, logger);
  REQUIRE(made);
  const RateLimit limit{2, Duration{60000}};
  CHECK((*made)->hit("auth", "ip", limit)->allowed);
  CHECK((*made)->hit("auth", "ip", limit)->allowed);
  auto third = (*made)->hit("auth", "ip", limit);
  REQUIRE(third);
  CHECK_FALSE(third->allowed);  // the limit still holds, per process
  CHECK(third->mode == RateLimitMode::kMemory);
  CHECK((*made)->fallback_total() == 3);
  REQUIRE(logger->events().size() == 1);
  const std::string text = logger->all_text();
  CHECK(text.find("127.0.0.1:" + std::to_string(port)) != std::string::npos);
  CHECK(text.find("neverlogged") == std::string::npos);
}

TEST_CASE("redis: a password-protected server: the right password works, a wrong one is not echoed",
          "[ratelimit][redis]") {
  RedisProcess server({"--requirepass", "s3cret-Pass"});
  server.start();
  authkit::RedisRateLimiterOptions options = generous().redis;

  auto good = authkit::RedisRateLimiter::create(server.url(":s3cret-Pass"), options);
  REQUIRE(good);
  auto d = (*good)->hit("auth", "ip", RateLimit{});
  INFO((d ? std::string() : d.error().diagnostic));
  REQUIRE(d);
  CHECK(d->mode == RateLimitMode::kRedis);
  CHECK((*good)->ping());

  auto wrong = authkit::RedisRateLimiter::create(server.url(":wrong-Pass-123"), options);
  REQUIRE(wrong);
  auto failed = (*wrong)->hit("auth", "ip", RateLimit{});
  REQUIRE_FALSE(failed);
  CHECK(failed.error().diagnostic.find("AUTH") != std::string::npos);
  CHECK(failed.error().diagnostic.find("wrong-Pass-123") == std::string::npos);
  CHECK(failed.error().message.find("wrong-Pass-123") == std::string::npos);

  auto none = authkit::RedisRateLimiter::create(server.url(), options);
  REQUIRE(none);
  CHECK_FALSE((*none)->hit("auth", "ip", RateLimit{}));
}
