// One set of RateLimiter cases, run against each backend (memory here, Redis in the redis suite).
#include <catch2/catch.hpp>

#include <array>
#include <atomic>
#include <cstdint>
#include <cstdio>
#include <thread>
#include <vector>

#include "authkit/crypto.hpp"
#include "authkit/rate_limit_policy.hpp"
#include "backends.hpp"

#if AUTHKIT_TEST_WITH_REDIS
#define AUTHKIT_TEST_BACKENDS authkit::test::RedisBackend
#else
#define AUTHKIT_TEST_BACKENDS authkit::test::MemoryBackend
#endif

using authkit::Duration;
using authkit::RateLimit;
using authkit::RateLimitDecision;
using authkit::RateLimitMode;
using authkit::test::unique_name_for_test;

namespace {

// The policy's options with an auth bucket of 2 requests a minute: the third is refused.
authkit::RateLimitPolicyOptions two_auth_requests_a_minute() {
  authkit::RateLimitPolicyOptions options;
  options.requests = RateLimit{2, Duration{60000}};
  return options;
}

}  // namespace

TEMPLATE_TEST_CASE("limiter: max_hits pass per window, the next hits are rejected", "[ratelimit]",
                   AUTHKIT_TEST_BACKENDS) {
  TestType backend;
  const std::string bucket = unique_name_for_test("limits");
  const RateLimit limit{3, Duration{60000}};
  for (std::int64_t i = 1; i <= 5; ++i) {
    CAPTURE(i);
    auto d = backend.limiter->hit(bucket, "10.0.0.1", limit);
    REQUIRE(d);
    CHECK(d->count == i);
    CHECK(d->limit == 3);
    CHECK(d->allowed == (i <= 3));
    CHECK(d->remaining == std::max<std::int64_t>(0, 3 - i));
    CHECK(d->mode == TestType::kMode);
    CHECK(d->reset_after > Duration{0});
    CHECK(d->reset_after <= Duration{60000});
  }
}

TEMPLATE_TEST_CASE("limiter: buckets and keys count separately", "[ratelimit]",
                   AUTHKIT_TEST_BACKENDS) {
  TestType backend;
  const std::string a = unique_name_for_test("bucket-a");
  const std::string b = unique_name_for_test("bucket-b");
  const RateLimit limit{1, Duration{60000}};
  REQUIRE(backend.limiter->hit(a, "k1", limit)->allowed);
  REQUIRE_FALSE(backend.limiter->hit(a, "k1", limit)->allowed);
  CHECK(backend.limiter->hit(a, "k2", limit)->allowed);
  CHECK(backend.limiter->hit(b, "k1", limit)->allowed);
  // "a:b" + "c" and "a" + "b:c" spell the same Redis key; that is the original's key format.
  CHECK(backend.limiter->hit(a, "k1", limit)->count == 3);
}

TEMPLATE_TEST_CASE("limiter: a new window starts after the old one ends", "[ratelimit]",
                   AUTHKIT_TEST_BACKENDS) {
  TestType backend;
  const std::string bucket = unique_name_for_test("window");
  const RateLimit limit{2, Duration{60000}};
  for (int i = 0; i < 3; ++i) REQUIRE(backend.limiter->hit(bucket, "ip", limit));
  REQUIRE_FALSE(backend.limiter->hit(bucket, "ip", limit)->allowed);

  backend.end_window(bucket, "ip", limit.window);
  auto d = backend.limiter->hit(bucket, "ip", limit);
  REQUIRE(d);
  CHECK(d->allowed);
  CHECK(d->count == 1);
  CHECK(d->remaining == 1);
  // The new window starts at this hit and lasts the full window.
  CHECK(d->reset_after > Duration{59000});
  CHECK(d->reset_after <= Duration{60000});
}

TEMPLATE_TEST_CASE("limiter: rejected hits count too", "[ratelimit]", AUTHKIT_TEST_BACKENDS) {
  TestType backend;
  const std::string bucket = unique_name_for_test("rejected");
  const RateLimit limit{1, Duration{60000}};
  for (int i = 0; i < 10; ++i) REQUIRE(backend.limiter->hit(bucket, "ip", limit));
  auto peeked = backend.limiter->peek(bucket, "ip", limit);
  REQUIRE(peeked);
  CHECK(peeked->count == 10);
}

TEMPLATE_TEST_CASE("limiter: peek reports without counting", "[ratelimit]", AUTHKIT_TEST_BACKENDS) {
  TestType backend;
  const std::string bucket = unique_name_for_test("peek");
  const RateLimit limit{2, Duration{60000}};
  auto fresh = backend.limiter->peek(bucket, "k", limit);
  REQUIRE(fresh);
  CHECK(fresh->count == 0);
  CHECK(fresh->allowed);
  CHECK(fresh->remaining == 2);
  CHECK(fresh->mode == TestType::kMode);

  REQUIRE(backend.limiter->hit(bucket, "k", limit));
  for (int i = 0; i < 3; ++i) {
    auto p = backend.limiter->peek(bucket, "k", limit);
    REQUIRE(p);
    CHECK(p->count == 1);
    CHECK(p->allowed);
    CHECK(p->remaining == 1);
    CHECK(p->reset_after > Duration{0});
  }
  REQUIRE(backend.limiter->hit(bucket, "k", limit));
  auto full = backend.limiter->peek(bucket, "k", limit);
  REQUIRE(full);
  CHECK(full->count == 2);
  CHECK_FALSE(full->allowed);  // one more hit would be rejected
  CHECK(full->remaining == 0);

  backend.end_window(bucket, "k", limit.window);
  auto after = backend.limiter->peek(bucket, "k", limit);
  REQUIRE(after);
  CHECK(after->count == 0);
  CHECK(after->allowed);
}

TEMPLATE_TEST_CASE("limiter: a limit of 0 rejects every hit, a window of 0 is an error",
                   "[ratelimit]", AUTHKIT_TEST_BACKENDS) {
  TestType backend;
  const std::string bucket = unique_name_for_test("zero");
  auto d = backend.limiter->hit(bucket, "k", RateLimit{0, Duration{60000}});
  REQUIRE(d);
  CHECK_FALSE(d->allowed);
  CHECK(d->remaining == 0);

  auto bad = backend.limiter->hit(bucket, "k", RateLimit{5, Duration{0}});
  REQUIRE_FALSE(bad);
  CHECK(bad.error().code == authkit::ErrorCode::kInvalidConfiguration);
  auto negative = backend.limiter->hit(bucket, "k", RateLimit{-1, Duration{1000}});
  REQUIRE_FALSE(negative);
}

TEMPLATE_TEST_CASE("limiter: 8 threads hitting one key lose no hit", "[ratelimit]",
                   AUTHKIT_TEST_BACKENDS) {
  TestType backend;
  const std::string bucket = unique_name_for_test("threads");
  const RateLimit limit{500, Duration{60000}};
  constexpr int kThreads = 8;
  constexpr int kHitsPerThread = 200;
  std::atomic<int> allowed{0};
  std::atomic<int> errors{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < kHitsPerThread; ++i) {
        auto d = backend.limiter->hit(bucket, "shared", limit);
        if (!d) {
          ++errors;
        } else if (d->allowed) {
          ++allowed;
        }
      }
    });
  }
  for (auto& t : threads) t.join();
  CHECK(errors == 0);
  CHECK(allowed == 500);
  auto p = backend.limiter->peek(bucket, "shared", limit);
  REQUIRE(p);
  CHECK(p->count == kThreads * kHitsPerThread);
}

TEMPLATE_TEST_CASE("policy: the auth bucket is keyed by client IP, empty IP is `global`",
                   "[ratelimit][policy]", AUTHKIT_TEST_BACKENDS) {
  TestType backend;
  const auto options = two_auth_requests_a_minute();
  authkit::RateLimitPolicy policy(backend.limiter, options);
  // Random addresses: the shared Redis keeps `rl:auth:*` keys between cases.
  const std::string ip = unique_name_for_test("203.0.113");
  CHECK(policy.check_request(ip)->allowed);
  CHECK(policy.check_request(ip)->allowed);
  auto third = policy.check_request(ip);
  REQUIRE(third);
  CHECK_FALSE(third->allowed);
  CHECK(third->mode == TestType::kMode);
  CHECK(backend.limiter->peek("auth", ip, options.requests)->count == 3);

  const auto before = backend.limiter->peek("auth", "global", options.requests)->count;
  REQUIRE(policy.check_request(""));
  CHECK(backend.limiter->peek("auth", "global", options.requests)->count == before + 1);
}

TEMPLATE_TEST_CASE("policy: failed logins lock one account, keyed by the e-mail's hash",
                   "[ratelimit][policy]", AUTHKIT_TEST_BACKENDS) {
  TestType backend;
  authkit::RateLimitPolicyOptions options;
  options.login_failures = RateLimit{3, Duration{15 * 60 * 1000}};
  authkit::RateLimitPolicy policy(backend.limiter, options);
  const std::string local = unique_name_for_test("victim");
  const std::string email = local + "@example.com";
  const std::string other = unique_name_for_test("bystander") + "@example.com";

  // Checking does not count: any number of checks leave the account open.
  for (int i = 0; i < 5; ++i) REQUIRE(policy.check_account(email)->allowed);
  for (int i = 1; i <= 3; ++i) {
    auto recorded = policy.record_login_failure(i == 2 ? "  " + local + "@EXAMPLE.com " : email);
    REQUIRE(recorded);
    CHECK(recorded->count == i);
  }
  auto locked = policy.check_account(email);
  REQUIRE(locked);
  CHECK_FALSE(locked->allowed);
  CHECK(locked->count == 3);
  CHECK(locked->reset_after > Duration{0});
  CHECK(locked->mode == TestType::kMode);
  // The normalised spelling is the same account; another account is untouched.
  CHECK_FALSE(policy.check_account(" " + local + "@Example.COM")->allowed);
  CHECK(policy.check_account(other)->allowed);
  // The per-IP bucket is separate.
  CHECK(policy.check_request(unique_name_for_test("198.51.100"))->allowed);

  const std::string key = authkit::RateLimitPolicy::account_key(email);
  CHECK(key == authkit::crypto::sha256_hex(local + "@example.com"));
  CHECK(key.size() == 64);
  CHECK(backend.limiter->peek("login_account", key, options.login_failures)->count == 3);

  backend.end_window("login_account", key, options.login_failures.window);
  CHECK(policy.check_account(email)->allowed);
}

TEMPLATE_TEST_CASE("policy: an IPv6 /64 is one key of the auth bucket, IPv4-mapped is IPv4",
                   "[ratelimit][policy]", AUTHKIT_TEST_BACKENDS) {
  TestType backend;
  const auto options = two_auth_requests_a_minute();
  authkit::RateLimitPolicy policy(backend.limiter, options);
  // A random /64 and IPv4 address: the shared Redis keeps `rl:auth:*` keys between cases.
  std::array<std::uint8_t, 7> r{};
  authkit::crypto::random_bytes(r);
  char net_text[40];
  std::snprintf(net_text, sizeof net_text, "2001:db8:%x:%x", (r[0] * 256U + r[1]) | 1U,
                (r[2] * 256U + r[3]) | 1U);
  const std::string net = net_text;
  CHECK(policy.check_request(net + ":1::1")->allowed);
  CHECK(policy.check_request(net + ":ffff:ffff:ffff:ffff")->allowed);
  CHECK_FALSE(policy.check_request(net + "::42")->allowed);
  const std::string key = authkit::RateLimitPolicy::request_key(net + "::", 64);
  CHECK(key == net + "::/64");
  CHECK(backend.limiter->peek("auth", key, options.requests)->count == 3);

  const std::string v4 =
      "10." + std::to_string(r[4]) + "." + std::to_string(r[5]) + "." + std::to_string(r[6]);
  CHECK(policy.check_request("::ffff:" + v4)->allowed);
  CHECK(policy.check_request(v4)->allowed);
  CHECK(backend.limiter->peek("auth", v4, options.requests)->count == 2);
}
