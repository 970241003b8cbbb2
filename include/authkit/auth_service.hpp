/// @file
/// AuthService: the whole session lifecycle of the REST contract, in-process.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "authkit/audit.hpp"
#include "authkit/auth_types.hpp"
#include "authkit/clock.hpp"
#include "authkit/config.hpp"
#include "authkit/contract.hpp"
#include "authkit/export.hpp"
#include "authkit/logger.hpp"
#include "authkit/metrics.hpp"
#include "authkit/password.hpp"
#include "authkit/rate_limiter.hpp"
#include "authkit/records.hpp"
#include "authkit/result.hpp"
#include "authkit/store.hpp"

namespace authkit {
namespace detail {
struct ServiceState;
}  // namespace detail

inline namespace v1 {

/// What an AuthService is built on. Only the store is required; every other member may be left
/// null and gets the default named beside it.
struct ServiceDependencies {
  std::shared_ptr<Store> store;                     ///< required
  std::shared_ptr<RateLimiter> rate_limiter;        ///< null: an in-memory limiter
  std::shared_ptr<PasswordHasher> password_hasher;  ///< null: config.password_policy()'s
  std::shared_ptr<MetricsRegistry> metrics;         ///< null: a registry of the service's own
  std::shared_ptr<AuditSink> audit;                 ///< null: silent
  std::shared_ptr<Logger> logger;                   ///< null: silent
  std::shared_ptr<const Clock> clock;               ///< null: the system clock
};

/// The operations of the REST contract (docs/api.md#operations) with the contract's error codes and
/// statuses, plus libauthkit's deliberate fixes (docs/compatibility.md). The HTTP server, the C
/// ABI and C++ callers all go through it, so every caller gets the same answers.
///
/// Usage:
///   auto service = authkit::AuthService::open(*authkit::Config::from_env());
///   if (!service) return fail(service.error());
///   authkit::RequestContext ctx{{user_agent, client_ip}, correlation_id};
///   auto login = (*service)->create_session({"a@example.com", "password123"}, ctx);
///   if (!login) return send(login.error());  // e.g. INVALID_CREDENTIALS, 401
///   auto principal = (*service)->authenticate("Bearer " + login->access_token, ctx);
///
/// Public POST operations (register, login, refresh, logout) come in two forms: typed, whose
/// input is checked with contract.hpp's validate(), and `_json`, which parses a request body
/// with contract.hpp's parse_*_input() (nullopt: the request had no JSON content type). Both
/// first count one hit on the `auth` rate-limit bucket of the client IP — before validation,
/// so an invalid body still consumes quota, as in the original. They return a
/// RateLimitedResult (auth_types.hpp): the Result and, in `rate_limit`, that decision (or, for a
/// login refused by the per-account bucket, that bucket's decision), so that a server can send
/// Retry-After and RateLimit-* headers; nullopt when no limiter answered. A refused request
/// fails with TOO_MANY_REQUESTS (429). Results show a user as a UserProfile: never the hash.
///
/// No operation throws: an unexpected failure (std::bad_alloc included) is
/// INTERNAL_SERVER_ERROR. Register and login hash passwords at most PASSWORD_HASH_CONCURRENCY at
/// once; a caller that finds every slot taken waits its turn in a bounded queue (by client
/// address), and fails with SERVICE_UNAVAILABLE (503) only when it cannot be queued or has waited
/// PASSWORD_HASH_QUEUE_TIMEOUT_MS (docs/configuration.md#password-hash-queue).
///
/// Thread-safe: one instance is shared by every request thread.
class AUTHKIT_API AuthService {
 public:
  /// A service over `deps`. Fails with INVALID_CONFIGURATION for a configuration it cannot use
  /// (token keys, password policy) or a missing store. Makes one password hash (the dummy that
  /// unknown e-mails are verified against,
  /// docs/compatibility.md#login-equal-hashing), so it takes as long as one hash.
  static Result<std::unique_ptr<AuthService>> create(Config config, ServiceDependencies deps);

  /// create() with the store of config.database_url (opened, then migrated; with
  /// config.migrate_on_start false, checked instead: SERVICE_UNAVAILABLE naming the remedy when
  /// migrations are pending) and the rate limiter of config.redis_url (memory when unset), unless
  /// `deps` already holds them. What the reference server and the C ABI call.
  static Result<std::unique_ptr<AuthService>> open(Config config, ServiceDependencies deps = {});

  ~AuthService();
  AuthService(const AuthService&) = delete;
  AuthService& operator=(const AuthService&) = delete;

  /// POST /v1/auth/register: the new user (201). USER_ALREADY_EXISTS (409) for a taken e-mail,
  /// found before any hashing. Audited as auth.user.registered
  /// (docs/compatibility.md#registration-audit).
  RateLimitedResult<UserProfile> register_user(const RegisterInput& input,
                                               const RequestContext& ctx);
  /// register_user with the JSON body as received (nullopt: no JSON body), validated as
  /// RegisterInput first.
  RateLimitedResult<UserProfile> register_user_json(std::optional<std::string_view> json_body,
                                                    const RequestContext& ctx);

  /// POST /v1/auth/sessions (login): a new session and its tokens. An unknown e-mail and a
  /// wrong password are both INVALID_CREDENTIALS after the same hashing work
  /// (docs/compatibility.md#login-equal-hashing); a locked
  /// account (LOGIN_MAX_FAILURES_PER_ACCOUNT failures in LOGIN_FAILURE_WINDOW_MS) is
  /// TOO_MANY_REQUESTS before any hashing, with that account bucket's decision. A stored hash of
  /// another algorithm or cost is replaced after a successful login.
  RateLimitedResult<AuthResult> create_session(const CreateSessionInput& input,
                                               const RequestContext& ctx);
  /// create_session with the JSON body as received, validated as CreateSessionInput first.
  RateLimitedResult<AuthResult> create_session_json(std::optional<std::string_view> json_body,
                                                    const RequestContext& ctx);

  /// POST /v1/auth/tokens/refresh: rotates the presented refresh token (docs/api.md#refresh-steps).
  /// Replays compromise the session (REFRESH_TOKEN_REUSED); within REFRESH_REUSE_GRACE_MS of its
  /// rotation a parent whose child is unused gets that same child back with a fresh access
  /// token. An expired token or session is REFRESH_TOKEN_EXPIRED
  /// (docs/compatibility.md#refresh-token-expired).
  RateLimitedResult<AuthResult> refresh(const RefreshTokenInput& input, const RequestContext& ctx);
  /// refresh with the JSON body as received, validated as RefreshTokenInput first.
  RateLimitedResult<AuthResult> refresh_json(std::optional<std::string_view> json_body,
                                             const RequestContext& ctx);

  /// POST /v1/auth/sessions/current/revoke (logout, 204): revokes the refresh token's session
  /// (docs/api.md#logout-steps). Logging out of a session that already ended succeeds again
  /// (docs/compatibility.md#logout-ended-session).
  RateLimitedResult<void> revoke_current(const RefreshTokenInput& input, const RequestContext& ctx);
  /// revoke_current with the JSON body as received, validated as RefreshTokenInput first.
  RateLimitedResult<void> revoke_current_json(std::optional<std::string_view> json_body,
                                              const RequestContext& ctx);

  /// The auth middleware (docs/api.md#auth-middleware): the principal of an `Authorization` header
  /// value (empty: absent). AUTHORIZATION_REQUIRED, INVALID_AUTHORIZATION_HEADER, INVALID_TOKEN,
  /// SESSION_NOT_FOUND (401) or SESSION_NOT_ACTIVE (also for a session past SESSION_MAX_AGE).
  /// A value holding any byte other than visible ASCII, SP and HTAB (a NUL, a control byte, DEL,
  /// UTF-8) is INVALID_TOKEN before any other check (docs/compatibility.md#authorization-bytes).
  Result<Principal> authenticate(std::string_view authorization_header, const RequestContext& ctx);
  /// The same from the access token itself (steps 3–6).
  Result<Principal> authenticate_token(std::string_view access_token, const RequestContext& ctx);

  /// GET /v1/auth/me. AUTH_CONTEXT_NOT_FOUND (404) when the user or session vanished.
  Result<MeResult> me(const Principal& principal, const RequestContext& ctx);
  /// authenticate() then me() for an `Authorization` header value, with one store read for both
  /// (what GET /v1/auth/me serves): the errors of authenticate(), then those of me().
  Result<MeResult> me(std::string_view authorization_header, const RequestContext& ctx);
  /// The same for a bare access token (as authenticate_token() is to authenticate()).
  Result<MeResult> me_token(std::string_view access_token, const RequestContext& ctx);
  /// GET /v1/auth/sessions: every session of the user, newest first, `current` for the
  /// principal's.
  Result<std::vector<SessionInfo>> list_sessions(const Principal& principal,
                                                 const RequestContext& ctx);
  /// DELETE /v1/auth/sessions/:sessionId (204, idempotent). INVALID_PAYLOAD (400) for an id
  /// that is not a UUID, SESSION_NOT_FOUND with status 404 for a session the user does not have.
  Result<void> revoke_session(const Principal& principal, std::string_view session_id,
                              const RequestContext& ctx);
  /// DELETE /v1/auth/sessions (204): how many sessions it actually revoked
  /// (docs/compatibility.md#atomic-revocations).
  Result<std::int64_t> revoke_all_sessions(const Principal& principal, const RequestContext& ctx);

  /// Deletes sessions and tokens that ended more than PURGE_RETENTION ago
  /// (docs/compatibility.md#session-max-age).
  Result<PurgeResult> purge();

  /// GET /health and GET /ready (docs/api.md#health, docs/api.md#ready). A failing readiness probe
  /// is counted in auth_api_readiness_failures_total{dependency}.
  HealthReport health();
  /// Probes the database and Redis (each bounded by its timeouts): the body of GET /ready.
  ReadinessReport ready();

  /// The registry every metric of the service is in (docs/api.md#metrics and libauthkit's own), for
  /// the server to feed auth_api_http_request_duration_seconds and to render.
  MetricsRegistry& metrics() noexcept;
  /// Refreshes the metrics published from other components (the rate limiter's fallback
  /// count) and renders the registry in Prometheus text format 0.0.4.
  std::string metrics_text();
  /// One observation of auth_api_http_request_duration_seconds{method,route,status_code}.
  void observe_request_duration(std::string_view method, std::string_view route, int status_code,
                                double seconds) noexcept;

  const Config& config() const noexcept;  ///< The configuration the service was opened with.
  /// The RFC 7517 JWK Set of the access-token keys (the active one, then the verify-only ones)
  /// for other services to verify access tokens with (GET /.well-known/jwks.json); public keys
  /// only. nullopt when access tokens are signed with an HMAC secret, which is never published.
  std::optional<std::string> access_token_jwks() const;
  /// The store the service runs on (for maintenance and tests; the rules do not go through it).
  Store& store() noexcept;

 private:
  explicit AuthService(std::unique_ptr<detail::ServiceState> state);
  std::unique_ptr<detail::ServiceState> state_;
};

}  // namespace v1
}  // namespace authkit
