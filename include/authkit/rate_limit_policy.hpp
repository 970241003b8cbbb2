/// @file
/// RateLimitPolicy: the per-IP `auth` bucket of the original plus a per-account login bucket.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "authkit/export.hpp"
#include "authkit/rate_limiter.hpp"
#include "authkit/result.hpp"

namespace authkit {
inline namespace v1 {

/// The limits of the service's rate-limit buckets (from Config).
struct RateLimitPolicyOptions {
  /// RATE_LIMIT_WINDOW_MS / RATE_LIMIT_MAX_REQUESTS: the four public POST routes share it.
  RateLimit requests{100, Duration{60000}};
  /// LOGIN_MAX_FAILURES_PER_ACCOUNT per LOGIN_FAILURE_WINDOW_MS: failed logins per account.
  RateLimit login_failures{10, Duration{15 * 60 * 1000}};
  /// RATE_LIMIT_IPV6_PREFIX: IPv6 clients share the request bucket of their /N network (one
  /// subscriber usually holds a whole /64); 0..128, clamped.
  int ipv6_prefix_length = 64;
};

/// Which limits apply to which request; the limiter does the counting. Both checks are cheap and
/// run before any password hashing, so a throttled caller costs no hashing work.
///
/// Thread-safe (as the limiter is).
class AUTHKIT_API RateLimitPolicy {
 public:
  /// The bucket shared by the four public POST routes.
  static constexpr std::string_view kRequestBucket = "auth";
  /// The bucket of failed logins per account.
  static constexpr std::string_view kAccountBucket = "login_account";
  /// The key of a request without client address.
  static constexpr std::string_view kGlobalKey = "global";

  /// A policy counting on `limiter` with `options`.
  RateLimitPolicy(std::shared_ptr<RateLimiter> limiter, RateLimitPolicyOptions options = {});

  /// Counts one request from `client_ip` on the `auth` bucket (key `rl:auth:<request_key>`, or
  /// `rl:auth:global` for an empty IP, as the original). Not allowed → 429.
  Result<RateLimitDecision> check_request(std::string_view client_ip);

  /// Whether the account of `email` may try to log in, without counting: not allowed once
  /// login_failures.max_hits failures were recorded in the current window → 429.
  Result<RateLimitDecision> check_account(std::string_view email);

  /// Counts a failed login of the account of `email` (unknown e-mails included, so the answer
  /// does not reveal which accounts exist).
  Result<RateLimitDecision> record_login_failure(std::string_view email);

  /// The account bucket's key: SHA-256 hex of the normalised (trimmed, lower-cased) e-mail, so
  /// no address is ever written to Redis.
  static std::string account_key(std::string_view email);

  /// The request bucket's key of a client address (docs/compatibility.md#rate-limit-ipv6-prefix):
  /// an IPv4 address as it is; an IPv4-mapped one (`::ffff:a.b.c.d`) as `a.b.c.d`; any other
  /// IPv6 address as its /`ipv6_prefix_length` network, `2001:db8:1:2::/64` (at 128 the
  /// canonical address alone); text that is not an address as it is.
  static std::string request_key(std::string_view client_ip, int ipv6_prefix_length);

  /// The limits in force.
  const RateLimitPolicyOptions& options() const noexcept { return options_; }

 private:
  std::shared_ptr<RateLimiter> limiter_;
  RateLimitPolicyOptions options_;
};

}  // namespace v1
}  // namespace authkit
