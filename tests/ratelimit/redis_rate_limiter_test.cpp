// The Redis backend against the shared test server: keys, expiries, the script cache, timeouts.
#include <hiredis/hiredis.h>
#include <catch2/catch.hpp>

#include <atomic>
#include <thread>
#include <vector>

#include "authkit/rate_limit_policy.hpp"
#include "authkit/rate_limiter_factory.hpp"
#include "ratelimit/redis/redis_rate_limiter.hpp"
#include "recording_logger.hpp"
#include "redis_test_support.hpp"
#include "test_names.hpp"

using authkit::Duration;
using authkit::RateLimit;
using authkit::RateLimitMode;
using authkit::RedisRateLimiter;
using namespace authkit::test;  // the Redis test helpers

namespace {

std::unique_ptr<RedisRateLimiter> shared_limiter() {
  auto limiter = RedisRateLimiter::create(shared_redis_url(), generous_redis_options());
  REQUIRE(limiter);
  return std::move(*limiter);
}

// A limiter on the shared server, and a raw connection to look at what it wrote.
struct SharedRedis {
  std::unique_ptr<RedisRateLimiter> limiter = shared_limiter();
  RawRedis raw{shared_redis_url()};
};

}  // namespace

TEST_CASE_METHOD(SharedRedis, "redis: keys are rl:<bucket>:<key> and carry the window as PTTL",
                 "[ratelimit][redis]") {
  const std::string bucket = unique_name_for_test("pttl");
  const RateLimit limit{5, Duration{45000}};
  auto d = limiter->hit(bucket, "::ffff:127.0.0.1", limit);
  REQUIRE(d);
  const std::string key = "rl:" + bucket + ":::ffff:127.0.0.1";
  CHECK(raw.integer({"EXISTS", key}) == 1);
  auto value = raw.command({"GET", key});
  REQUIRE(value->type == REDIS_REPLY_STRING);
  CHECK(std::string(value->str, value->len) == "1");
  const long long pttl = raw.integer({"PTTL", key});
  CHECK(pttl > 0);
  CHECK(pttl <= 45000);
  // The decision's reset_after is the PTTL the script read, so never more than the window.
  CHECK(d->reset_after <= Duration{45000});
  CHECK(d->reset_after > Duration{0});

  // Later hits keep the window's expiry rather than extending it.
  REQUIRE(raw.integer({"PEXPIRE", key, "30000"}) == 1);
  auto second = limiter->hit(bucket, "::ffff:127.0.0.1", limit);
  REQUIRE(second);
  CHECK(second->count == 2);
  CHECK(second->reset_after <= Duration{30000});
  CHECK(raw.integer({"PTTL", key}) <= 30000);
}

// docs/compatibility.md#redis-atomic-window
TEST_CASE_METHOD(
    SharedRedis,
    "redis: a key left without expiry (as the original could) gets one on the next hit",
    "[ratelimit][redis]") {
  const std::string bucket = unique_name_for_test("w4");
  const std::string key = "rl:" + bucket + ":10.0.0.9";
  raw.command({"SET", key, "500"});
  REQUIRE(raw.integer({"PTTL", key}) == -1);
  auto d = limiter->hit(bucket, "10.0.0.9", RateLimit{100, Duration{60000}});
  REQUIRE(d);
  CHECK(d->count == 501);
  CHECK_FALSE(d->allowed);
  const long long pttl = raw.integer({"PTTL", key});
  CHECK(pttl > 0);
  CHECK(pttl <= 60000);
  REQUIRE(raw.integer({"DEL", key}) == 1);
}

TEST_CASE_METHOD(SharedRedis, "redis: after SCRIPT FLUSH, EVALSHA's NOSCRIPT falls back to EVAL",
                 "[ratelimit][redis]") {
  const std::string bucket = unique_name_for_test("noscript");
  const RateLimit limit{10, Duration{60000}};
  REQUIRE(limiter->hit(bucket, "k", limit));
  raw.command({"SCRIPT", "FLUSH"});
  auto d = limiter->hit(bucket, "k", limit);
  INFO((d ? std::string() : d.error().diagnostic));
  REQUIRE(d);
  CHECK(d->count == 2);
  CHECK(d->mode == RateLimitMode::kRedis);
  auto p = limiter->peek(bucket, "k", limit);
  REQUIRE(p);
  CHECK(p->count == 2);
}

TEST_CASE_METHOD(SharedRedis, "redis: after many hits from 8 threads every rl:* key carries a TTL",
                 "[ratelimit][redis]") {
  const std::string bucket = unique_name_for_test("ttl");
  const RateLimit limit{50, Duration{60000}};
  constexpr int kThreads = 8;
  constexpr int kHitsPerThread = 500;
  std::atomic<int> errors{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kHitsPerThread; ++i) {
        // 64 keys shared by all threads: many first hits race with each other.
        const std::string key = "10.0." + std::to_string((i * 7 + t) % 64);
        if (!limiter->hit(bucket, key, limit)) ++errors;
      }
    });
  }
  for (auto& thread : threads) thread.join();
  REQUIRE(errors == 0);

  const auto mine = raw.keys("rl:" + bucket + ":*");
  CHECK(mine.size() == 64);
  long long total = 0;
  for (const auto& key : mine) {
    CAPTURE(key);
    CHECK(raw.integer({"PTTL", key}) > 0);
    auto value = raw.command({"GET", key});
    total += std::stoll(std::string(value->str, value->len));
  }
  CHECK(total == kThreads * kHitsPerThread);
  // Every other rate-limit key on the server too (other cases' keys may expire meanwhile: -2).
  for (const auto& key : raw.keys("rl:*")) {
    CAPTURE(key);
    CHECK(raw.integer({"PTTL", key}) != -1);
  }
}

TEST_CASE("redis: the account bucket never writes an e-mail address to Redis",
          "[ratelimit][redis][policy]") {
  std::shared_ptr<authkit::RateLimiter> limiter = shared_limiter();
  RawRedis raw(shared_redis_url());
  authkit::RateLimitPolicy policy(limiter);
  const std::string email = unique_name_for_test("someone") + "@example.org";
  REQUIRE(policy.record_login_failure(email));
  const std::string key = "rl:login_account:" + authkit::RateLimitPolicy::account_key(email);
  CHECK(raw.integer({"EXISTS", key}) == 1);
  CHECK(raw.integer({"PTTL", key}) > 14 * 60 * 1000);
  for (const auto& k : raw.keys("rl:*")) {
    CAPTURE(k);
    CHECK(k.find('@') == std::string::npos);
  }
}

TEST_CASE("redis: the database index of the URL is used", "[ratelimit][redis]") {
  std::string url = shared_redis_url();
  // The shared URL ends in /0; the same server's database 5.
  REQUIRE(url.size() > 2);
  REQUIRE(url.substr(url.size() - 2) == "/0");
  url.replace(url.size() - 1, 1, "5");
  auto limiter = RedisRateLimiter::create(url, generous_redis_options());
  REQUIRE(limiter);
  const std::string bucket = unique_name_for_test("db");
  REQUIRE((*limiter)->hit(bucket, "k", RateLimit{}));
  RawRedis db0(shared_redis_url());
  RawRedis db5(url);
  CHECK(db0.integer({"EXISTS", "rl:" + bucket + ":k"}) == 0);
  CHECK(db5.integer({"EXISTS", "rl:" + bucket + ":k"}) == 1);
}

TEST_CASE("redis: ping answers for a live server and fails for a closed port",
          "[ratelimit][redis]") {
  CHECK(shared_limiter()->ping());
  const int port = authkit::test::free_port();
  auto closed = RedisRateLimiter::create("redis://:pingsecret@127.0.0.1:" + std::to_string(port),
                                         generous_redis_options());
  REQUIRE(closed);
  auto ping = (*closed)->ping();
  REQUIRE_FALSE(ping);
  CHECK(ping.error().code == authkit::ErrorCode::kServiceUnavailable);
  CHECK(ping.error().diagnostic.find("127.0.0.1:" + std::to_string(port)) != std::string::npos);
  CHECK(ping.error().diagnostic.find("pingsecret") == std::string::npos);
  auto hit = (*closed)->hit("b", "k", RateLimit{});
  CHECK_FALSE(hit);
}

TEST_CASE("redis: a server that never answers fails the hit after the command timeout",
          "[ratelimit][redis]") {
  authkit::test::BlackHole hole;
  authkit::RedisRateLimiterOptions options;
  options.connect_timeout = std::chrono::seconds(5);
  options.command_timeout = Duration{100};  // the default, which this case is about
  auto limiter =
      RedisRateLimiter::create("redis://127.0.0.1:" + std::to_string(hole.port()), options);
  REQUIRE(limiter);
  auto hit = (*limiter)->hit("b", "k", RateLimit{});
  REQUIRE_FALSE(hit);
  CHECK(hit.error().diagnostic.find("timed out") != std::string::npos);

  // Through the factory the same hit is answered from memory, once logged.
  auto logger = std::make_shared<authkit::test::RecordingLogger>();
  authkit::RateLimiterOptions all;
  all.redis = options;
  auto soft = authkit::make_rate_limiter("redis://127.0.0.1:" + std::to_string(hole.port()), all,
                                         nullptr, logger);
  REQUIRE(soft);
  auto d = (*soft)->hit("b", "k", RateLimit{});
  REQUIRE(d);
  CHECK(d->mode == RateLimitMode::kMemory);
  CHECK((*soft)->fallback_total() == 1);
  CHECK(logger->events().size() == 1);
}
