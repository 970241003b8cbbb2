// ServiceState: what an AuthService holds, shared by the files implementing its operations.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "authkit/audit.hpp"
#include "authkit/auth_service.hpp"
#include "authkit/jwt.hpp"
#include "authkit/rate_limit_policy.hpp"
#include "password/hash_admission.hpp"
#include "session/auth_metrics.hpp"

namespace authkit::detail {

// Immutable after construction, apart from the thread-safe members it points to.
struct ServiceState {
  Config config;
  std::shared_ptr<Store> store;
  std::shared_ptr<RateLimiter> limiter;
  std::shared_ptr<PasswordHasher> hasher;
  std::shared_ptr<MetricsRegistry> registry;
  std::shared_ptr<AuditSink> audit;
  std::shared_ptr<Logger> logger;
  std::shared_ptr<const Clock> clock;
  TokenCodec codec;
  // GET /.well-known/jwks.json's body, rendered once (the keys are fixed for the service's
  // life); nullopt when access tokens are HMAC, whose secret is never published.
  std::optional<std::string> access_jwks;
  RateLimitPolicy policy;
  AuthMetrics metrics;
  // A hash of a random password made with the hasher's policy at creation: unknown e-mails are
  // verified against it so that they cost what a wrong password costs
  // (docs/compatibility.md#login-equal-hashing).
  std::string dummy_hash;
  // Every hash and verification the operations make waits its turn here, keyed by the client
  // address: the AuthService, not the PasswordHasher, owns the queue, because only it knows the
  // client (RequestContext) and so the PasswordHasher interface stays as it is. An injected
  // hasher is bounded by it as much as the default one.
  HashAdmission admission;

  ServiceState(Config cfg, ServiceDependencies deps, TokenCodec token_codec);

  TimePoint now() const { return clock->now(); }
  void audit_event(std::string_view event, const RequestContext& ctx, LogFields fields) const;
  void log(LogLevel level, std::string_view event, const RequestContext& ctx,
           LogFields fields) const;
};

// Counts one hit on the `auth` bucket of the client IP (docs/rate-limiting.md), its decision kept
// in `decision` (left as it is when the limiter cannot answer). Refused → TOO_MANY_REQUESTS and
// auth_api_rate_limit_hits_total{bucket,mode} + 1.
Result<void> check_request_rate(ServiceState& state, const RequestContext& ctx,
                                std::optional<RateLimitDecision>& decision);

// TOO_MANY_REQUESTS, counted in the hits metric with the decision's bucket and mode.
Error rate_limited(ServiceState& state, std::string_view bucket, const RateLimitDecision& d);

// A password-hashing failure as the caller sees it: a refusal by the queue (or by an injected
// hasher's own gate) is counted in auth_api_password_hash_rejections_total (and stays
// SERVICE_UNAVAILABLE).
Error hashing_failed(ServiceState& state, Error error);

// A slot for one request's hashing work (its verification, and a rehash that follows it),
// waited for in state.admission under the request's client address. The ticket gives the slot
// back when it goes out of scope: keep it exactly around the hasher's calls.
Result<HashAdmission::Ticket> admit_hashing(ServiceState& state, const RequestContext& ctx);

// The user id a token's `sub` names (decimal digits, leading zeros allowed); nullopt when it
// does not fit a UserId.
std::optional<UserId> parse_user_id(std::string_view subject) noexcept;

// Whole seconds of a configured lifetime, rounded up so that a sub-second lifetime ("500ms")
// still gives a token that is valid for a moment (one parsed value for exp and the row:
// docs/compatibility.md#one-parsed-lifetime).
std::int64_t lifetime_seconds(Duration lifetime) noexcept;

// The refresh claims of session `session_id`, user `user_id`, issued at `iat` (seconds).
Claims refresh_claims(const ServiceState& state, std::string_view session_id, UserId user_id,
                      std::string jti, std::int64_t iat);
Claims access_claims(const ServiceState& state, std::string_view session_id, UserId user_id,
                     std::int64_t iat);

// The operations, one file each (register.cpp, login.cpp, refresh.cpp, logout.cpp,
// authenticate.cpp, session_admin.cpp, probes.cpp); rate limiting and input validation happen
// in auth_service.cpp before these run.
// login() replaces `decision` with the account bucket's when that bucket refuses.
Result<UserProfile> register_user(ServiceState& state, const RegisterInput& input,
                                  const RequestContext& ctx);
Result<AuthResult> login(ServiceState& state, const CreateSessionInput& input,
                         const RequestContext& ctx, std::optional<RateLimitDecision>& decision);
Result<AuthResult> refresh(ServiceState& state, const RefreshTokenInput& input,
                           const RequestContext& ctx);
Result<void> logout(ServiceState& state, const RefreshTokenInput& input, const RequestContext& ctx);
Result<Principal> authenticate_header(ServiceState& state, std::string_view header);
Result<Principal> authenticate_token(ServiceState& state, std::string_view access_token);
Result<MeResult> me(ServiceState& state, const Principal& principal);
Result<MeResult> authenticated_me(ServiceState& state, std::string_view authorization_header);
Result<MeResult> authenticated_me_token(ServiceState& state, std::string_view access_token);
Result<std::vector<SessionInfo>> list_sessions(ServiceState& state, const Principal& principal);
Result<void> revoke_session(ServiceState& state, const Principal& principal,
                            std::string_view session_id, const RequestContext& ctx);
Result<std::int64_t> revoke_all_sessions(ServiceState& state, const Principal& principal,
                                         const RequestContext& ctx);
ReadinessReport ready(ServiceState& state);

// Marks the session COMPROMISED after a replay of `token_id` (docs/api.md#compromise) and reports
// it: refresh outcome replay_detected, a replay detection, auth.refresh.reuse_detected. Returns
// REFRESH_TOKEN_REUSED, or the store's error.
Error compromise(ServiceState& state, std::string_view session_id, std::string_view token_id,
                 const RequestContext& ctx);
// The report alone, for a replay whose compromise the store made with the rotation
// (RotateResult::compromised). Returns REFRESH_TOKEN_REUSED.
Error replay_detected(ServiceState& state, std::string_view session_id, std::string_view token_id,
                      const RequestContext& ctx);

}  // namespace authkit::detail
