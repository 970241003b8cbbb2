// The request and account buckets: which key, which limit, when to count.
#include "authkit/rate_limit_policy.hpp"

#include <utility>

#include "authkit/crypto.hpp"
#include "base/text.hpp"
#include "session/client_address_key.hpp"

namespace authkit {
inline namespace v1 {
namespace {

bool is_space(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

Error no_limiter() {
  return Error(ErrorCode::kInternalServerError, "RateLimitPolicy has no limiter");
}

}  // namespace

RateLimitPolicy::RateLimitPolicy(std::shared_ptr<RateLimiter> limiter,
                                 RateLimitPolicyOptions options)
    : limiter_(std::move(limiter)), options_(options) {}

std::string RateLimitPolicy::account_key(std::string_view email) {
  // The contract's normalisation (trim + ASCII lower-case): "A@x.io " and "a@x.io" are one
  // account, so they must share one counter.
  while (!email.empty() && is_space(email.front())) email.remove_prefix(1);
  while (!email.empty() && is_space(email.back())) email.remove_suffix(1);
  return crypto::sha256_hex(text::ascii_lower(email));
}

std::string RateLimitPolicy::request_key(std::string_view client_ip, int ipv6_prefix_length) {
  return detail::client_address_key(client_ip, ipv6_prefix_length);
}

Result<RateLimitDecision> RateLimitPolicy::check_request(std::string_view client_ip) {
  if (!limiter_) return no_limiter();
  if (client_ip.empty()) return limiter_->hit(kRequestBucket, kGlobalKey, options_.requests);
  return limiter_->hit(kRequestBucket, request_key(client_ip, options_.ipv6_prefix_length),
                       options_.requests);
}

Result<RateLimitDecision> RateLimitPolicy::check_account(std::string_view email) {
  if (!limiter_) return no_limiter();
  return limiter_->peek(kAccountBucket, account_key(email), options_.login_failures);
}

Result<RateLimitDecision> RateLimitPolicy::record_login_failure(std::string_view email) {
  if (!limiter_) return no_limiter();
  return limiter_->hit(kAccountBucket, account_key(email), options_.login_failures);
}

}  // namespace v1
}  // namespace authkit
