// The memory backend's lock-outs: no traffic on other keys erases one, full store or not.
#include <catch2/catch.hpp>

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "authkit/clock.hpp"
#include "authkit/rate_limit_policy.hpp"
#include "ratelimit/memory/keyed_hash.hpp"
#include "ratelimit/memory/memory_rate_limiter.hpp"

using authkit::Duration;
using authkit::ManualClock;
using authkit::MemoryRateLimiter;
using authkit::MemoryRateLimiterOptions;
using authkit::RateLimit;
using authkit::RateLimitPolicy;
using authkit::TimePoint;

namespace {

constexpr auto kVictim = "victim@example.com";

std::shared_ptr<ManualClock> make_clock() {
  return std::make_shared<ManualClock>(TimePoint(Duration(1'700'000'000'000)));
}

// A lock-out store of `max_lockout_keys` exact windows in `shards` shards (past them, the sketch).
MemoryRateLimiterOptions lockout_store(std::size_t max_lockout_keys, std::size_t shards) {
  MemoryRateLimiterOptions options;
  options.max_lockout_keys = max_lockout_keys;
  options.shards = shards;
  return options;
}

// A distinct loopback-looking address for each i < 2^24.
std::string loopback(int i) {
  return "127." + std::to_string((i >> 16) & 0xff) + "." + std::to_string((i >> 8) & 0xff) + "." +
         std::to_string(i & 0xff);
}

// Locks the victim's account with the policy's default limit (10 failures per 15 minutes).
void lock_victim(RateLimitPolicy& policy) {
  for (int i = 0; i < 10; ++i) REQUIRE(policy.record_login_failure(kVictim));
  auto locked = policy.check_account(kVictim);
  REQUIRE(locked);
  REQUIRE_FALSE(locked->allowed);
}

// The shard the limiter used before keyed hashing: std::hash of `rl:<bucket>:<key>`, whose
// values anyone can compute offline.
std::size_t std_hash_shard(const std::string& bucket, const std::string& key, std::size_t shards) {
  const std::size_t h = std::hash<std::string_view>{}("rl:" + bucket + ":" + key);
  return ((h >> 32) ^ h) % shards;
}

}  // namespace

TEST_CASE("memory: a locked account survives a flood of fresh addresses (eviction attack)",
          "[ratelimit][memory][lockout]") {
  auto clock = make_clock();
  auto limiter = std::make_shared<MemoryRateLimiter>(MemoryRateLimiterOptions{}, clock);
  RateLimitPolicy policy(limiter);
  lock_victim(policy);

  // Five times the key bound in fresh addresses, each a cheap request: every shard of the
  // request store overflows many times over.
  for (int i = 0; i < 50'000; ++i) {
    auto d = policy.check_request(loopback(i));
    if (!d || d->count != 1) FAIL("request " << i << " was not a fresh address's first");
  }
  REQUIRE(limiter->size() == limiter->capacity());  // the flood did evict

  auto still = policy.check_account(kVictim);
  REQUIRE(still);
  CHECK_FALSE(still->allowed);
  CHECK(still->count == 10);
  CHECK(still->reset_after == Duration{15 * 60 * 1000});

  // The lock lasts its window, not longer.
  clock->advance(Duration{15 * 60 * 1000 + 1});
  CHECK(policy.check_account(kVictim)->allowed);
}

TEST_CASE("memory: the same flood erases a lock kept in the evicting store (why it is separate)",
          "[ratelimit][memory][lockout]") {
  // The layout before the lock-out store: the account bucket shares the LRU store.
  MemoryRateLimiterOptions options;
  options.lockout_buckets.clear();
  auto limiter = std::make_shared<MemoryRateLimiter>(options, make_clock());
  RateLimitPolicy policy(limiter);
  lock_victim(policy);
  for (int i = 0; i < 50'000; ++i) REQUIRE(policy.check_request(loopback(i)));
  CHECK(policy.check_account(kVictim)->allowed);  // erased: the attack this store prevents
}

TEST_CASE("memory: keys aimed at one std::hash shard spread over every shard",
          "[ratelimit][memory][lockout]") {
  // The attack as it was: addresses whose key fell into the victim's account shard under
  // std::hash, enough to overflow that shard (10,000 / 16 = 625 keys) three times.
  const std::size_t shards = 16;
  const std::string victim_key = RateLimitPolicy::account_key(kVictim);
  const std::size_t target = std_hash_shard("login_account", victim_key, shards);
  std::vector<std::string> aimed;
  for (int i = 0; aimed.size() < 2000; ++i) {
    if (std_hash_shard("auth", loopback(i), shards) == target) aimed.push_back(loopback(i));
  }

  MemoryRateLimiterOptions options;  // 10,000 keys, 16 shards
  options.lockout_buckets.clear();   // even in one shared store, aiming no longer works
  auto limiter = std::make_shared<MemoryRateLimiter>(options, make_clock());
  RateLimitPolicy policy(limiter);
  lock_victim(policy);
  for (const auto& ip : aimed) REQUIRE(policy.check_request(ip));
  // Spread over 16 shards of 625, 2,001 keys evict nothing: the victim's count is intact.
  CHECK(limiter->size() == aimed.size() + 1);
  CHECK_FALSE(policy.check_account(kVictim)->allowed);
}

TEST_CASE("memory: failures of other accounts past the store's capacity never erase a lock",
          "[ratelimit][memory][lockout]") {
  auto clock = make_clock();
  auto limiter = std::make_shared<MemoryRateLimiter>(lockout_store(256, 4), clock);
  RateLimitPolicy policy(limiter);
  lock_victim(policy);

  for (int i = 0; i < 20'000; ++i) {
    REQUIRE(policy.record_login_failure("other-" + std::to_string(i) + "@example.com"));
  }
  CHECK(limiter->lockout_size() == 256);
  CHECK(limiter->lockout_overflow_hits() > 0);
  auto still = policy.check_account(kVictim);
  REQUIRE(still);
  CHECK_FALSE(still->allowed);
  CHECK(still->count == 10);  // exact: the victim's window was never touched
  CHECK(limiter
            ->peek("login_account", RateLimitPolicy::account_key(kVictim),
                   policy.options().login_failures)
            ->count == 10);

  clock->advance(Duration{15 * 60 * 1000 + 1});
  CHECK(policy.check_account(kVictim)->allowed);
}

TEST_CASE("memory: with the store full, a new account is still locked after its failures",
          "[ratelimit][memory][lockout]") {
  auto limiter = std::make_shared<MemoryRateLimiter>(lockout_store(64, 1), make_clock());
  RateLimitPolicy policy(limiter);
  for (int i = 0; i < 64; ++i) {
    REQUIRE(policy.record_login_failure("filler-" + std::to_string(i) + "@example.com"));
  }
  REQUIRE(limiter->lockout_size() == 64);
  REQUIRE(limiter->lockout_overflow_hits() == 0);

  // The store is full of running windows: the newcomer is counted in the sketch, where it is
  // alone, so its count is exact there too.
  for (int i = 1; i <= 9; ++i) {
    auto recorded = policy.record_login_failure(kVictim);
    REQUIRE(recorded);
    CHECK(recorded->count == i);
    CHECK(policy.check_account(kVictim)->allowed);
  }
  REQUIRE(policy.record_login_failure(kVictim));
  auto locked = policy.check_account(kVictim);
  REQUIRE(locked);
  CHECK_FALSE(locked->allowed);
  CHECK(locked->count == 10);
  CHECK(locked->reset_after == Duration{15 * 60 * 1000});
  CHECK(limiter->lockout_size() == 64);
  CHECK(limiter->lockout_overflow_hits() == 10);
}

TEST_CASE("memory: failures counted in the sketch carry over into an exact window",
          "[ratelimit][memory][lockout]") {
  auto clock = make_clock();
  MemoryRateLimiter limiter(lockout_store(4, 1), clock);
  const RateLimit short_window{10, Duration{1000}};
  const RateLimit long_window{10, Duration{15 * 60 * 1000}};
  for (const char* filler : {"a", "b", "c", "d"}) {
    REQUIRE(limiter.hit("login_account", filler, short_window));
  }
  for (int i = 0; i < 5; ++i) REQUIRE(limiter.hit("login_account", "victim", long_window));
  REQUIRE(limiter.lockout_overflow_hits() == 5);

  // The fillers' windows end: the next hit reclaims them and gives the victim an exact window
  // that starts from the 5 failures the sketch held.
  clock->advance(Duration{1001});
  auto d = limiter.hit("login_account", "victim", long_window);
  REQUIRE(d);
  CHECK(d->count == 6);
  CHECK(limiter.lockout_size() == 1);
  CHECK(limiter.lockout_overflow_hits() == 5);
  CHECK(limiter.peek("login_account", "victim", long_window)->count == 6);
}

TEST_CASE("memory: ended lock-out windows are reclaimed, never pushed into the sketch",
          "[ratelimit][memory][lockout]") {
  auto clock = make_clock();
  MemoryRateLimiter limiter(lockout_store(8, 1), clock);
  const RateLimit limit{10, Duration{1000}};
  for (int round = 0; round < 100; ++round) {
    for (int k = 0; k < 8; ++k) {
      REQUIRE(limiter.hit("login_account", std::to_string(round) + "-" + std::to_string(k), limit));
    }
    REQUIRE(limiter.lockout_size() <= 8);
    clock->advance(Duration{1001});
  }
  CHECK(limiter.lockout_overflow_hits() == 0);
}

TEST_CASE("memory: the overflow sketch may over-count a key, never under-count it",
          "[ratelimit][memory][lockout]") {
  // One exact slot and 2 x 2 cells: nearly every key shares cells with others.
  MemoryRateLimiter limiter(lockout_store(1, 1), make_clock());
  const RateLimit limit{1000, Duration{60000}};
  REQUIRE(limiter.hit("login_account", "resident", limit));
  std::map<std::string, std::int64_t> hits;
  for (int i = 0; i < 2000; ++i) {
    const std::string key = "k" + std::to_string(i * 7919 % 50);
    ++hits[key];
    REQUIRE(limiter.hit("login_account", key, limit));
  }
  for (const auto& [key, own] : hits) {
    CAPTURE(key);
    CHECK(limiter.peek("login_account", key, limit)->count >= own);
  }
  CHECK(limiter.peek("login_account", "resident", limit)->count == 1);
}

TEST_CASE("memory: other buckets keep the LRU store, lock-out buckets are configurable",
          "[ratelimit][memory][lockout]") {
  MemoryRateLimiterOptions options;
  options.max_keys = 2;
  options.shards = 1;
  options.lockout_buckets = {"pin"};
  MemoryRateLimiter limiter(options, make_clock());
  const RateLimit limit{100, Duration{60000}};
  REQUIRE(limiter.hit("pin", "kept", limit));
  // login_account is not a lock-out bucket here: it is evicted like any other key.
  REQUIRE(limiter.hit("login_account", "gone", limit));
  for (const char* key : {"x", "y", "z"}) REQUIRE(limiter.hit("auth", key, limit));
  CHECK(limiter.peek("login_account", "gone", limit)->count == 0);
  CHECK(limiter.peek("pin", "kept", limit)->count == 1);
  CHECK(limiter.size() == 2);
  CHECK(limiter.lockout_size() == 1);
}

TEST_CASE("keyed hash: stable per instance, different across instances", "[ratelimit][memory]") {
  const authkit::KeyedHash first;
  const authkit::KeyedHash second;
  CHECK(first("rl:auth:127.0.0.1") == first("rl:auth:127.0.0.1"));
  CHECK(first("rl:auth:127.0.0.1") != first("rl:auth:127.0.0.2"));
  // Two random 128-bit keys: equal values here would mean the key is not random (2^-64 chance).
  CHECK(first("rl:auth:127.0.0.1") != second("rl:auth:127.0.0.1"));
}
