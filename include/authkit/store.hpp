/// @file
/// Store: the persistence interface of libauthkit, each operation atomic in its backend.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "authkit/clock.hpp"
#include "authkit/export.hpp"
#include "authkit/logger.hpp"
#include "authkit/records.hpp"
#include "authkit/result.hpp"

namespace authkit {
inline namespace v1 {

/// A user about to be stored.
struct NewUser {
  std::string name;           ///< Display name, trimmed.
  std::string email;          ///< already normalised (trim + lower-case, docs/api.md#identities)
  std::string password_hash;  ///< The encoded password hash.
  TimePoint now{};            ///< created_at and updated_at
};

/// A refresh token about to be stored. The caller signs the token first (it needs `jti` and the
/// session id) and passes only its hash.
struct NewRefreshToken {
  std::string id;          ///< row id; empty: the store makes a random UUID v4
  std::string jti;         ///< the token's jti claim
  std::string token_hash;  ///< crypto::sha256_hex(token)
  TimePoint expires_at{};  ///< The stored expiry.
};

/// A session about to be created, with its first refresh token.
struct NewSession {
  std::string id;      ///< UUID v4 from crypto::random_uuid_v4 (it is the tokens' `sid`)
  UserId user_id = 0;  ///< The owner.
  ClientInfo client;   ///< kept as the creating device and as latest activity
  std::optional<TimePoint> expires_at;  ///< absolute session end; nullopt: none
  NewRefreshToken first_token;          ///< The session's first refresh token.
  TimePoint now{};                      ///< The creation time.
};

/// What create_session stored.
struct CreatedSession {
  Session session;     ///< The new session.
  RefreshToken token;  ///< Its first refresh token.
};

/// One refresh: the presented token and its replacement (docs/api.md#refresh-steps).
struct RotateRequest {
  std::string session_id;  ///< the presented token's `sid`
  UserId user_id = 0;      ///< the presented token's `sub`
  std::string jti;         ///< the presented token's `jti`
  std::string token_hash;  ///< crypto::sha256_hex(presented token)
  NewRefreshToken child;   ///< the replacement, already signed by the caller
  ClientInfo client;       ///< this request's device: the session's latest activity
  TimePoint now{};         ///< The request's time.
  /// Reuse grace (docs/compatibility.md#refresh-reuse-grace): 0 is strict (the original's
  /// behaviour).
  Duration reuse_grace{0};
};

/// Which branch a rotation took. kRotated rotated; kTokenNotActive and kHashMismatch are a
/// replay, whose compromise the store may make itself (RotateResult::compromised); the others
/// changed nothing.
enum class RotateOutcome {
  kRotated,             ///< parent USED, child inserted and ACTIVE, session touched
  kGraceReuse,          ///< parent used within the grace period, child still ACTIVE: `child` is it
  kNotFound,            ///< no token with that jti
  kSessionMismatch,     ///< token of another session, or session missing / of another user
  kSessionRevoked,      ///< session REVOKED
  kSessionCompromised,  ///< session COMPROMISED
  kTokenNotActive,      ///< token USED / REVOKED / REUSED: a replay
  kExpired,             ///< token or session expired
  kHashMismatch,        ///< jti known but the presented token's hash differs: a replay
};

/// What compromise_session changed.
struct CompromiseResult {
  bool session_compromised = false;  ///< false: the session was not ACTIVE (nothing changed)
  bool token_marked_reused = false;  ///< Whether the presented token became REUSED.
  std::int64_t tokens_revoked = 0;   ///< How many ACTIVE tokens of the session became REVOKED.
};

/// What a rotation did.
struct RotateResult {
  /// Which branch of the refresh steps was taken.
  RotateOutcome outcome = RotateOutcome::kNotFound;
  std::optional<RefreshToken> token;  ///< the presented token as it is now (when found)
  std::optional<Session> session;     ///< its session as it is now (when found)
  std::optional<RefreshToken> child;  ///< kRotated: the new token; kGraceReuse: the existing child
  /// The session's user (when the session was found), read in the same transaction: the
  /// refresh answer's profile without a read of its own. A store may leave it empty; the
  /// service then reads the user itself.
  std::optional<User> user;
  /// A replay (kTokenNotActive, kHashMismatch) whose compromise the store made in the rotation's
  /// own transaction, under the session's lock, as compromise_session(session, token, now)
  /// would: what it changed, with `token` and `session` as it left them. The built-in stores do
  /// (one round trip for the whole replay branch). Set it only when the compromise happened:
  /// the service then writes nothing more. Left empty, the service calls compromise_session.
  std::optional<CompromiseResult> compromised;
};

/// One logout: the presented refresh token (docs/api.md#logout-steps).
struct RevokeByTokenRequest {
  std::string session_id;  ///< `sid`
  std::string jti;         ///< The token's `jti`.
  std::string token_hash;  ///< crypto::sha256_hex(presented token).
  TimePoint now{};         ///< The request's time.
};

/// Which branch of the logout steps was taken.
enum class RevokeByTokenOutcome {
  kRevoked,          ///< session REVOKED (USER_REVOKED_CURRENT_SESSION), its ACTIVE tokens REVOKED
  kNotFound,         ///< no token with that jti
  kSessionMismatch,  ///< the token belongs to another session
  kTokenNotActive,   ///< the token is not ACTIVE (see `session` to tell a replay from a 2nd logout)
  kHashMismatch,
};

/// What a logout did, with the rows it looked at.
struct RevokeByTokenResult {
  RevokeByTokenOutcome outcome = RevokeByTokenOutcome::kNotFound;  ///< Which branch was taken.
  std::optional<RefreshToken> token;  ///< The presented token's row, when found.
  std::optional<Session> session;     ///< Its session, when found.
};

/// What a purge deleted.
struct PurgeResult {
  std::int64_t sessions_deleted = 0;  ///< their tokens go with them
  std::int64_t tokens_deleted = 0;    ///< expired tokens of sessions that remain
};

/// What migrate() did.
struct MigrationReport {
  std::vector<int> applied;  ///< versions applied by this call (empty: already up to date)
  int current_version = 0;   ///< The schema version after it.
};

/// How open_store sets a store up (pool size, read coalescing, logging).
struct StoreOptions {
  /// Connections per store (PostgreSQL pool; SQLite readers/writers). 0: the backend default (8).
  std::size_t pool_size = 0;
  /// How long an operation waits for a free pooled connection before kServiceUnavailable.
  Duration acquire_timeout{5000};
  Duration connect_timeout{5000};        ///< PostgreSQL connect_timeout (rounded up to seconds)
  Duration statement_timeout{5000};      ///< PostgreSQL statement_timeout
  Duration busy_timeout{5000};           ///< SQLite busy_timeout
  bool migrate_on_open = false;          ///< run migrate() inside open_store
  std::shared_ptr<const Clock> clock{};  ///< stamps schema_migrations.applied_at; default: system
  std::shared_ptr<Logger> logger{};      ///< reconnects and the like; default: silent
  /// PostgreSQL: concurrent single-statement reads share round trips (up to 32 per batch); a read
  /// that no running batch has taken within `read_coalescing_patience` starts one of its own (2
  /// ms: several round trips on a sane network, so batches form while the database answers
  /// promptly, and reads spread over the pool when it does not). false: each read takes a
  /// pooled connection of its own. SQLite ignores both.
  bool read_coalescing = true;
  /// DATABASE_READ_COALESCING_PATIENCE_MS: how long a read waits for a running batch.
  Duration read_coalescing_patience{2};
};

/// The persistence of users, sessions and refresh tokens. Every operation is atomic in the
/// backend (one transaction), so replay detection holds under concurrency and across processes
/// sharing one database. Times are passed in (from the library's clock); the database never
/// stamps them. Failures: kServiceUnavailable when the database cannot be reached (or the pool
/// is exhausted), kInternalServerError for anything else unexpected (with a diagnostic).
/// Thread-safe: one instance is shared by every thread.
class AUTHKIT_API Store {
 public:
  virtual ~Store();

  /// Applies the embedded migrations not yet applied, each in its own transaction. Safe to run
  /// concurrently from several processes; refuses (kInternalServerError) when an applied
  /// migration's checksum differs from the embedded one.
  virtual Result<MigrationReport> migrate() = 0;
  /// The versions of the embedded migrations not yet applied, oldest first (empty: up to date).
  /// Checks what is applied as migrate() does (unknown versions, checksums) and applies nothing;
  /// its only write is the empty bookkeeping table, created when missing.
  virtual Result<std::vector<int>> pending_migrations() = 0;
  /// One round trip to the database.
  virtual Result<void> ping() = 0;
  /// "sqlite" or "postgresql".
  virtual std::string_view backend_name() const noexcept = 0;

  /// kUserAlreadyExists when the email is taken (also under concurrent inserts).
  virtual Result<User> create_user(const NewUser& user) = 0;
  /// The user with this (normalised) e-mail; nullopt when none.
  virtual Result<std::optional<User>> find_user_by_email(std::string_view email) = 0;
  /// The user with this id; nullopt when none.
  virtual Result<std::optional<User>> find_user_by_id(UserId id) = 0;
  /// kNotFound when there is no such user.
  virtual Result<void> update_password_hash(UserId id, std::string_view password_hash,
                                            TimePoint now) = 0;

  /// The session and its first refresh token, together or not at all
  /// (docs/compatibility.md#atomic-login).
  virtual Result<CreatedSession> create_session(const NewSession& session) = 0;
  /// The session with this id; nullopt when none.
  virtual Result<std::optional<Session>> find_session(std::string_view session_id) = 0;
  /// The session and its user in one round trip (the bearer check of a protected request).
  virtual Result<std::optional<SessionWithUser>> find_session_with_user(
      std::string_view session_id) = 0;
  /// nullopt also when the session exists but belongs to someone else.
  virtual Result<std::optional<Session>> find_session_for_user(UserId user_id,
                                                               std::string_view session_id) = 0;
  /// Every session of the user in any status, newest first; ties keep a stable order
  /// (later insert first).
  virtual Result<std::vector<Session>> list_sessions(UserId user_id) = 0;
  /// The refresh token with this `jti`; nullopt when none.
  virtual Result<std::optional<RefreshToken>> find_refresh_token(std::string_view jti) = 0;
  /// Every token of the session, oldest first (inspection, tests, import checks).
  virtual Result<std::vector<RefreshToken>> list_refresh_tokens(std::string_view session_id) = 0;

  /// The whole refresh step of docs/api.md#refresh-steps in one transaction, preconditions
  /// included (docs/compatibility.md#atomic-refresh).
  virtual Result<RotateResult> rotate_refresh_token(const RotateRequest& request) = 0;
  /// Session ACTIVE → COMPROMISED (compromised_at), token `token_id` ACTIVE|USED → REUSED, every
  /// ACTIVE token of the session → REVOKED; one transaction
  /// (docs/compatibility.md#atomic-compromise). Conditional: on a session that is no longer ACTIVE
  /// it changes only what is still ACTIVE.
  virtual Result<CompromiseResult> compromise_session(std::string_view session_id,
                                                      std::string_view token_id, TimePoint now) = 0;
  /// DELETE /v1/auth/sessions/:id: an ACTIVE session of the user → REVOKED (USER_REVOKED_SESSION)
  /// with its ACTIVE tokens. Idempotent: true when it changed something, false when the session
  /// had already ended. kSessionNotFound (status 404) when the user has no such session.
  virtual Result<bool> revoke_session(UserId user_id, std::string_view session_id,
                                      TimePoint now) = 0;
  /// Logout (docs/api.md#logout-steps) in one transaction.
  virtual Result<RevokeByTokenResult> revoke_session_by_token(
      const RevokeByTokenRequest& request) = 0;
  /// Every ACTIVE session of the user → REVOKED (USER_REVOKED_ALL_SESSIONS) with their ACTIVE
  /// tokens, in one transaction; returns how many sessions it actually revoked
  /// (docs/compatibility.md#atomic-revocations).
  virtual Result<std::int64_t> revoke_all_sessions(UserId user_id, TimePoint now) = 0;

  /// Deletes what ended before now - retention (docs/compatibility.md#session-max-age): sessions
  /// REVOKED/COMPROMISED or past their expires_at, ACTIVE sessions none of whose tokens is still
  /// valid, and expired tokens.
  virtual Result<PurgeResult> purge(TimePoint now, Duration retention) = 0;
};

}  // namespace v1
}  // namespace authkit
