// The request bucket's key: IPv6 grouped by prefix, IPv4 and IPv4-mapped one bucket per address.
#include <catch2/catch.hpp>

#include <memory>
#include <string>

#include "authkit/clock.hpp"
#include "authkit/rate_limit_policy.hpp"
#include "ratelimit/memory/memory_rate_limiter.hpp"

using authkit::Duration;
using authkit::RateLimit;
using authkit::RateLimitPolicy;

namespace {

std::string key64(const std::string& address) { return RateLimitPolicy::request_key(address, 64); }

}  // namespace

TEST_CASE("request key: IPv4 and IPv4-mapped addresses are one bucket per address",
          "[ratelimit][policy]") {
  CHECK(key64("192.0.2.1") == "192.0.2.1");
  CHECK(key64("::ffff:192.0.2.1") == "192.0.2.1");
  CHECK(key64("::FFFF:192.0.2.1") == "192.0.2.1");
  CHECK(key64("0:0:0:0:0:ffff:c000:0201") == "192.0.2.1");  // the same address in hex
  CHECK(key64("::ffff:192.0.2.2") == "192.0.2.2");          // not grouped with .1
  CHECK(RateLimitPolicy::request_key("::ffff:192.0.2.1", 1) == "192.0.2.1");
}

TEST_CASE("request key: IPv6 addresses are grouped by their prefix", "[ratelimit][policy]") {
  CHECK(key64("2001:db8:1:2:3:4:5:6") == "2001:db8:1:2::/64");
  CHECK(key64("2001:db8:1:2:ffff:ffff:ffff:ffff") == "2001:db8:1:2::/64");
  // Any spelling of the same network is the same key.
  CHECK(key64("2001:0DB8:0001:0002::1") == "2001:db8:1:2::/64");
  CHECK(key64("2001:db8:1:3::1") == "2001:db8:1:3::/64");
  CHECK(key64("::1") == "::/64");
  CHECK(RateLimitPolicy::request_key("2001:db8:aaaa:bbbb::1", 48) == "2001:db8:aaaa::/48");
  CHECK(RateLimitPolicy::request_key("2001:db8:aaaa:bbff::1", 56) == "2001:db8:aaaa:bb00::/56");
  // A prefix that is not a multiple of 8 masks inside a byte.
  CHECK(RateLimitPolicy::request_key("2001:db8:1:ffff::", 61) == "2001:db8:1:fff8::/61");
  // 128: one bucket per address, spelled canonically, without a length.
  CHECK(RateLimitPolicy::request_key("2001:DB8:0::0:1", 128) == "2001:db8::1");
  // Out of range: clamped.
  CHECK(RateLimitPolicy::request_key("2001:db8::1", 500) == "2001:db8::1");
  CHECK(RateLimitPolicy::request_key("2001:db8::1", -3) == "::/0");
}

TEST_CASE("request key: text that is not an address is kept as it is", "[ratelimit][policy]") {
  CHECK(key64("global") == "global");
  CHECK(key64("fe80::1%eth0") == "fe80::1%eth0");
  CHECK(key64("2001:db8::g") == "2001:db8::g");
  CHECK(key64("") == "");
  const std::string long_text(1000, ':');
  CHECK(key64(long_text) == long_text);
}

TEST_CASE("policy: one /64 shares one request budget, another /64 has its own",
          "[ratelimit][policy]") {
  auto limiter = std::make_shared<authkit::MemoryRateLimiter>();
  authkit::RateLimitPolicyOptions options;
  options.requests = RateLimit{3, Duration{60000}};
  RateLimitPolicy policy(limiter, options);
  for (const char* ip : {"2001:db8:1:2::a", "2001:db8:1:2::b", "2001:db8:1:2:c::"}) {
    CHECK(policy.check_request(ip)->allowed);
  }
  // The fourth address of the /64 is the fourth request of one client.
  CHECK_FALSE(policy.check_request("2001:db8:1:2:ffff:ffff:ffff:ffff")->allowed);
  CHECK(policy.check_request("2001:db8:1:3::a")->allowed);

  // IPv4 through a dual-stack socket and plain IPv4 are one client; its neighbour is another.
  for (int i = 0; i < 3; ++i) CHECK(policy.check_request("::ffff:198.51.100.7")->allowed);
  CHECK_FALSE(policy.check_request("198.51.100.7")->allowed);
  CHECK(policy.check_request("198.51.100.8")->allowed);

  // RATE_LIMIT_IPV6_PREFIX=128: every address is a client of its own again.
  options.ipv6_prefix_length = 128;
  RateLimitPolicy per_address(std::make_shared<authkit::MemoryRateLimiter>(), options);
  for (int i = 0; i < 3; ++i) CHECK(per_address.check_request("2001:db8:1:2::a")->allowed);
  CHECK_FALSE(per_address.check_request("2001:db8:1:2::a")->allowed);
  CHECK(per_address.check_request("2001:db8:1:2::b")->allowed);
}
