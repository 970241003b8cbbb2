/// @file
/// The values AuthService operations take and return: request context, principal, responses.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "authkit/clock.hpp"
#include "authkit/export.hpp"
#include "authkit/rate_limiter.hpp"
#include "authkit/records.hpp"
#include "authkit/result.hpp"

namespace authkit {
inline namespace v1 {

/// What every operation is told about the request it serves.
struct RequestContext {
  /// User agent and client IP (docs/api.md#client-ip), kept on the session; the IP keys the `auth`
  /// rate-limit bucket (empty or absent: the shared key "global", as the original).
  ClientInfo client;
  /// Copied into audit events and log lines; empty when the caller has none.
  std::string correlation_id;
};

/// Who an access token speaks for, once its session was found ACTIVE (docs/api.md#auth-middleware,
/// step 6).
struct Principal {
  UserId user_id = 0;      ///< The token's `sub`.
  std::string session_id;  ///< the token's `sid`
  std::string token_jti;   ///< the access token's `jti`
  friend bool operator==(const Principal&, const Principal&) = default;  ///< Field-wise equality.
};

/// A session as the contract shows it: the row, and whether it is the caller's own (`current`).
struct SessionInfo {
  Session session;       ///< The session row.
  bool current = false;  ///< Whether it is the caller's session (the contract's `current`).
};

/// The AuthResponse of login and refresh (docs/api.md#resources): both tokens, the user, the
/// session (current = true).
struct AuthResult {
  std::string access_token;   ///< The new access token (compact JWS).
  std::string refresh_token;  ///< The new refresh token (compact JWS); only its hash is stored.
  UserProfile user;           ///< The session's user.
  SessionInfo session;        ///< The session, `current` true.
};

/// GET /v1/auth/me: the caller's user and session (current = true).
struct MeResult {
  UserProfile user;     ///< The caller's user.
  SessionInfo session;  ///< The caller's session, `current` true.
};

/// The result of a public POST operation (register, login, refresh, logout) with the rate-limit
/// decision it was given, so that a server can send Retry-After and RateLimit-* headers:
/// `rate_limit` is the `auth` bucket's decision for the client (or, for a login refused by the
/// per-account bucket, that bucket's), nullopt when no limiter answered. A refused request
/// fails with TOO_MANY_REQUESTS and still carries its decision.
template <class T>
class [[nodiscard]] RateLimitedResult : public Result<T> {
 public:
  /// The operation's result with the rate-limit decision it was taken under.
  RateLimitedResult(Result<T>&& result, std::optional<RateLimitDecision> decision)
      : Result<T>(std::move(result)), rate_limit(decision) {}

  /// The `auth` bucket's decision; nullopt when the operation was not rate limited.
  std::optional<RateLimitDecision> rate_limit;
};

/// A dependency's state in a readiness report (docs/api.md#ready).
enum class DependencyState {
  kUp,
  kDown,
  kDisabled,  ///< not configured (no REDIS_URL)
  kUnknown,   ///< not probed (the database was down first)
};

/// "up", "down", "disabled", "unknown".
AUTHKIT_API std::string_view to_string(DependencyState state) noexcept;

/// GET /health: liveness only, no dependency is probed.
struct HealthReport {
  TimePoint timestamp{};  ///< When the report was made, as the contract's ISO timestamp.
};

/// GET /ready: ready iff the database answers and Redis is up or not configured.
struct ReadinessReport {
  bool ready = false;  ///< True when every configured dependency is up.
  DependencyState database = DependencyState::kUnknown;  ///< The database's state.
  /// Redis's state (kUnknown when no REDIS_URL is configured).
  DependencyState redis = DependencyState::kUnknown;
  TimePoint timestamp{};  ///< taken before the probes, as the original
};

}  // namespace v1
}  // namespace authkit
