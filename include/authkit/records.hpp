/// @file
/// The rows a Store keeps: users, sessions and refresh tokens, with their status enums.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "authkit/clock.hpp"
#include "authkit/export.hpp"

namespace authkit {
inline namespace v1 {

/// Integer user ids from a sequence, as the original's (docs/api.md#identities).
using UserId = std::int64_t;

/// Session states (docs/api.md#states): transitions only ever start from kActive.
enum class SessionStatus { kActive, kRevoked, kCompromised };

/// Refresh-token states (docs/api.md#states).
enum class RefreshTokenStatus { kActive, kUsed, kRevoked, kReused };

/// "ACTIVE", "REVOKED", ... : the spelling stored in the database and shown by the contract.
AUTHKIT_API std::string_view to_string(SessionStatus status) noexcept;
/// "ACTIVE", "USED", "REVOKED" or "REUSED".
AUTHKIT_API std::string_view to_string(RefreshTokenStatus status) noexcept;
/// The status spelt `s`; nullopt for any other text.
AUTHKIT_API std::optional<SessionStatus> session_status_from_string(std::string_view s) noexcept;
/// The status spelt `s`; nullopt for any other text.
AUTHKIT_API std::optional<RefreshTokenStatus> refresh_token_status_from_string(
    std::string_view s) noexcept;

/// The revokeReason strings of docs/api.md#revoke-reasons (a compromised session has none).
namespace revoke_reason {
/// Logout (POST /v1/auth/sessions/current/revoke).
inline constexpr std::string_view kUserRevokedCurrentSession = "USER_REVOKED_CURRENT_SESSION";
/// DELETE /v1/auth/sessions/:sessionId.
inline constexpr std::string_view kUserRevokedSession = "USER_REVOKED_SESSION";
/// DELETE /v1/auth/sessions.
inline constexpr std::string_view kUserRevokedAllSessions = "USER_REVOKED_ALL_SESSIONS";
}  // namespace revoke_reason

/// A user as every result shows it: no password hash. What the operations of AuthService return
/// (register, login, refresh, me) and what the JSON shapes are made from.
struct UserProfile {
  UserId id = 0;           ///< The user's id (the tokens' `sub`).
  std::string name;        ///< Display name, trimmed.
  std::string email;       ///< normalised (trimmed, lower-case) by the caller
  TimePoint created_at{};  ///< When the user registered.
  TimePoint updated_at{};  ///< When the row last changed (a password rehash).
};

/// The user row as the store keeps it: the profile and the password hash. The hash travels only
/// from the store to the password check of login (and its rehash); a User given where a
/// UserProfile is wanted leaves its hash behind.
struct User : UserProfile {
  std::string password_hash;  ///< the encoded hash string (argon2id or the original's bcrypt)
};

/// What a request says about the client: kept on the session at creation and as latest activity.
struct ClientInfo {
  std::optional<std::string> user_agent;  ///< nullopt: header absent; "" : present but empty
  /// The client address (docs/api.md#client-ip); nullopt: unknown.
  std::optional<std::string> ip_address;
};

/// A session: one login's chain of refresh tokens and its state.
struct Session {
  std::string id;      ///< UUID v4, the public sessionId and the tokens' `sid`
  UserId user_id = 0;  ///< The owner.
  SessionStatus status = SessionStatus::kActive;  ///< ACTIVE, REVOKED or COMPROMISED.
  TimePoint created_at{};                         ///< When the session was created (login).
  TimePoint updated_at{};                         ///< When the row last changed.
  /// The device the session was created from; never overwritten
  /// (docs/compatibility.md#session-created-from).
  ClientInfo created_from;
  /// The latest activity: set at creation and on each refresh.
  std::optional<TimePoint> last_seen_at;
  ClientInfo last_seen_from;  ///< The device of the latest activity.
  /// Absolute end of the session, whatever its tokens say (docs/compatibility.md#session-max-age);
  /// nullopt: none.
  std::optional<TimePoint> expires_at;
  std::optional<TimePoint> revoked_at;  ///< When the session was revoked; nullopt unless REVOKED.
  std::optional<std::string> revoke_reason;  ///< Why it was revoked (a revoke_reason constant).
  /// When a replay compromised it; nullopt unless COMPROMISED.
  std::optional<TimePoint> compromised_at;
};

/// A refresh token as the store keeps it: its hash, never the token itself.
struct RefreshToken {
  std::string id;          ///< UUID v4 row id (internal; never in a token)
  std::string session_id;  ///< The session the token belongs to (its `sid`).
  std::string jti;         ///< the token's `jti` claim, unique
  std::string token_hash;  ///< sha256_hex of the token string, unique
  RefreshTokenStatus status = RefreshTokenStatus::kActive;  ///< ACTIVE, USED, REVOKED or REUSED.
  TimePoint created_at{};                                   ///< the token's issued-at, in ms
  TimePoint expires_at{};  ///< The stored expiry (issue time plus the refresh lifetime).
  /// When it was rotated; nullopt unless USED (or REUSED after use).
  std::optional<TimePoint> used_at;
  std::optional<TimePoint> revoked_at;  ///< When its session ended; nullopt unless REVOKED.
  /// The token it replaced; nullopt for a session's first token.
  std::optional<std::string> parent_token_id;
  /// The token that replaced it; nullopt until rotated.
  std::optional<std::string> replaced_by_token_id;
};

/// A session with the user it belongs to: what an authenticated request needs, in one read.
struct SessionWithUser {
  Session session;   ///< The session.
  UserProfile user;  ///< Its user.
};

}  // namespace v1
}  // namespace authkit
