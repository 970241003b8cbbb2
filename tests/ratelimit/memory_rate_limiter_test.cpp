// The memory backend's own rules: the original's window edges, the key bound and LRU eviction.
#include <catch2/catch.hpp>

#include <string>

#include "authkit/clock.hpp"
#include "ratelimit/memory/memory_rate_limiter.hpp"

using authkit::Duration;
using authkit::ManualClock;
using authkit::MemoryRateLimiter;
using authkit::MemoryRateLimiterOptions;
using authkit::RateLimit;
using authkit::TimePoint;

namespace {

std::shared_ptr<ManualClock> make_clock() {
  return std::make_shared<ManualClock>(TimePoint(Duration(1'700'000'000'000)));
}

}  // namespace

TEST_CASE("memory: the window starts at the first hit and ends strictly after its length",
          "[ratelimit][memory]") {
  auto clock = make_clock();
  MemoryRateLimiter limiter({}, clock);
  const RateLimit limit{10, Duration{60000}};
  REQUIRE(limiter.hit("auth", "ip", limit)->reset_after == Duration{60000});
  clock->advance(Duration{20000});
  auto d = limiter.hit("auth", "ip", limit);
  CHECK(d->count == 2);
  CHECK(d->reset_after == Duration{40000});
  // Exactly at the end the hit still belongs to the old window (the original's `now > expiresAt`).
  clock->advance(Duration{40000});
  d = limiter.hit("auth", "ip", limit);
  CHECK(d->count == 3);
  CHECK(d->reset_after == Duration{0});
  clock->advance(Duration{1});
  d = limiter.hit("auth", "ip", limit);
  CHECK(d->count == 1);
  CHECK(d->reset_after == Duration{60000});
}

// docs/api.md#behaviour-checklist, item 10
TEST_CASE("memory: a store of capacity 2 holds 2 keys after three IPs (original checklist 10)",
          "[ratelimit][memory]") {
  MemoryRateLimiter limiter({2, 1}, make_clock());
  const RateLimit limit{100, Duration{60000}};
  for (const char* ip : {"1.1.1.1", "2.2.2.2", "3.3.3.3"}) REQUIRE(limiter.hit("auth", ip, limit));
  CHECK(limiter.size() == 2);
  CHECK(limiter.capacity() == 2);
}

TEST_CASE("memory: at capacity the least recently hit key is evicted", "[ratelimit][memory]") {
  MemoryRateLimiter limiter({2, 1}, make_clock());
  const RateLimit limit{100, Duration{60000}};
  REQUIRE(limiter.hit("b", "a", limit));
  REQUIRE(limiter.hit("b", "b", limit));
  REQUIRE(limiter.hit("b", "a", limit));  // `a` is now the most recent
  REQUIRE(limiter.hit("b", "c", limit));  // evicts `b`
  CHECK(limiter.peek("b", "a", limit)->count == 2);
  CHECK(limiter.peek("b", "b", limit)->count == 0);
  CHECK(limiter.peek("b", "c", limit)->count == 1);
  CHECK(limiter.size() == 2);
}

TEST_CASE("memory: the key bound holds under a million distinct keys", "[ratelimit][memory]") {
  MemoryRateLimiter limiter({}, make_clock());  // the default bound, 10,000
  REQUIRE(limiter.capacity() == 10000);
  const RateLimit limit{100, Duration{60000}};
  std::string key;
  std::size_t largest = 0;
  for (int i = 0; i < 1'000'000; ++i) {
    key = "10." + std::to_string(i);
    auto d = limiter.hit("auth", key, limit);
    if (!d || d->count != 1) FAIL("hit " << i << " was not a fresh key's first hit");
    if (i % 997 == 0) largest = std::max(largest, limiter.size());
  }
  CHECK(largest <= 10000);
  CHECK(limiter.size() <= 10000);
  // Every shard is full: the bound is reached, not just respected.
  CHECK(limiter.size() == 10000);
  // The most recent keys survived eviction and still count.
  CHECK(limiter.peek("auth", "10.999999", limit)->count == 1);
  CHECK(limiter.peek("auth", "10.0", limit)->count == 0);
}

TEST_CASE("memory: more shards than keys still bounds the total", "[ratelimit][memory]") {
  MemoryRateLimiter limiter({3, 64}, make_clock());
  const RateLimit limit{100, Duration{60000}};
  for (int i = 0; i < 100; ++i) REQUIRE(limiter.hit("b", std::to_string(i), limit));
  CHECK(limiter.size() <= 3);
}

TEST_CASE("reset_after_seconds rounds up and is at least 1 when rejected", "[ratelimit]") {
  authkit::RateLimitDecision d;
  d.reset_after = Duration{1001};
  CHECK(authkit::reset_after_seconds(d) == 2);
  d.reset_after = Duration{1000};
  CHECK(authkit::reset_after_seconds(d) == 1);
  d.reset_after = Duration{0};
  CHECK(authkit::reset_after_seconds(d) == 0);
  d.allowed = false;
  CHECK(authkit::reset_after_seconds(d) == 1);
  CHECK(authkit::to_string(authkit::RateLimitMode::kRedis) == "redis");
  CHECK(authkit::to_string(authkit::RateLimitMode::kMemory) == "memory");
}
