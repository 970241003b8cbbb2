// PostgreSQL's SQL for the named statements: timestamptz columns, ms integers on the wire.
#include "storage/postgres/pg_statements.hpp"

namespace authkit {
inline namespace v1 {
namespace storage {
namespace {

// ms since the epoch <-> timestamptz, exactly (no floating point on the way in or out).
#define AK_TS(p) "('epoch'::timestamptz + (" p "::bigint) * interval '1 millisecond')"
#define AK_MS(c) "(extract(epoch from " c ") * 1000)::bigint"

#define AK_USER_COLS "id, name, email, password_hash, " AK_MS("created_at") ", " AK_MS("updated_at")
#define AK_SESSION_COLS \
  "id, user_id, status, " AK_MS("created_at") ", " AK_MS(                                    \
      "updated_at") ", created_user_agent, created_ip_address, " AK_MS("last_seen_at") ", " \
                    "user_agent, ip_address, " AK_MS("expires_at") ", " AK_MS(              \
                        "revoked_at") ", revoke_reason, " AK_MS("compromised_at")
#define AK_TOKEN_COLS \
  "id, session_id, jti, token_hash, status, " AK_MS("created_at") ", " AK_MS(           \
      "expires_at") ", " AK_MS("used_at") ", " AK_MS("revoked_at") ", parent_token_id, " \
                                                                   "replaced_by_token_id"

// The import's rows: the columns, the values taken from a JSON object per row (times in ms),
// and the members' types.
#define AK_JSON_LIST(p) "SELECT jsonb_array_elements_text(" p "::jsonb)"
#define AK_IMPORT_USER_COLS "id, name, email, password_hash, created_at, updated_at"
#define AK_IMPORT_USER_VALUES \
  "id, name, email, password_hash, " AK_TS("created_at") ", " AK_TS("updated_at")
#define AK_IMPORT_USER_TYPES \
  "id bigint, name text, email text, password_hash text, created_at bigint, updated_at bigint"
#define AK_IMPORT_SESSION_COLS                                                            \
  "id, user_id, status, created_at, updated_at, created_user_agent, created_ip_address, " \
  "last_seen_at, user_agent, ip_address, expires_at, revoked_at, revoke_reason, compromised_at"
#define AK_IMPORT_SESSION_VALUES \
  "id, user_id, status, " AK_TS("created_at") ", " AK_TS("updated_at") ", "            \
  "created_user_agent, created_ip_address, " AK_TS("last_seen_at") ", user_agent, "   \
  "ip_address, " AK_TS("expires_at") ", " AK_TS("revoked_at") ", revoke_reason, " AK_TS( \
      "compromised_at")
#define AK_IMPORT_SESSION_TYPES                                                              \
  "id text, user_id bigint, status text, created_at bigint, updated_at bigint, "             \
  "created_user_agent text, created_ip_address text, last_seen_at bigint, user_agent text, " \
  "ip_address text, expires_at bigint, revoked_at bigint, revoke_reason text, "              \
  "compromised_at bigint"
#define AK_IMPORT_TOKEN_COLS                                                               \
  "id, session_id, jti, token_hash, status, created_at, expires_at, used_at, revoked_at, " \
  "parent_token_id, replaced_by_token_id"
#define AK_IMPORT_TOKEN_VALUES \
  "id, session_id, jti, token_hash, status, " AK_TS("created_at") ", " AK_TS("expires_at") \
  ", " AK_TS("used_at") ", " AK_TS("revoked_at") ", parent_token_id, replaced_by_token_id"
#define AK_IMPORT_TOKEN_TYPES                                                             \
  "id text, session_id text, jti text, token_hash text, status text, created_at bigint, " \
  "expires_at bigint, used_at bigint, revoked_at bigint, parent_token_id text, "          \
  "replaced_by_token_id text"

constexpr std::array<std::string_view, kStatementCount> kStatements = [] {
  std::array<std::string_view, kStatementCount> s{};
  auto at = [&s](Stmt id) -> std::string_view& { return s[static_cast<std::size_t>(id)]; };
  at(Stmt::kPing) = "SELECT 1";
  at(Stmt::kInsertUser) =
      "INSERT INTO users (name, email, password_hash, created_at, updated_at) "
      "VALUES ($1, $2, $3, " AK_TS("$4") ", " AK_TS("$4") ") RETURNING " AK_USER_COLS;
  at(Stmt::kFindUserByEmail) = "SELECT " AK_USER_COLS " FROM users WHERE email = $1";
  at(Stmt::kFindUserById) = "SELECT " AK_USER_COLS " FROM users WHERE id = $1";
  at(Stmt::kUpdatePasswordHash) =
      "UPDATE users SET password_hash = $2, updated_at = " AK_TS("$3") " WHERE id = $1";
  at(Stmt::kInsertSession) =
      "INSERT INTO sessions (id, user_id, status, created_at, updated_at, created_user_agent, "
      "created_ip_address, last_seen_at, user_agent, ip_address, expires_at) "
      "VALUES ($1, $2, 'ACTIVE', " AK_TS("$3") ", " AK_TS("$3") ", $4::text, $5::text, " AK_TS(
          "$3") ", $4::text, $5::text, " AK_TS("$6") ")";
  at(Stmt::kInsertToken) =
      "INSERT INTO refresh_tokens (id, session_id, jti, token_hash, status, created_at, "
      "expires_at, parent_token_id) VALUES ($1, $2, $3, $4, 'ACTIVE', " AK_TS("$5") ", " AK_TS(
          "$6") ", $7)";
  at(Stmt::kFindSession) = "SELECT " AK_SESSION_COLS " FROM sessions WHERE id = $1";
  // Subqueries keep each column list unqualified (both tables have an `id`).
  at(Stmt::kFindSessionWithUser) =
      "SELECT * FROM (SELECT " AK_SESSION_COLS
      " FROM sessions WHERE id = $1) AS s "
      "JOIN (SELECT " AK_USER_COLS " FROM users) AS u ON u.id = s.user_id";
  // Every change of a session's tokens happens under this lock, so checks and writes of one
  // operation see a state no concurrent operation can change until commit
  // (docs/compatibility.md#atomic-refresh).
  at(Stmt::kLockSession) = "SELECT " AK_SESSION_COLS " FROM sessions WHERE id = $1 FOR UPDATE";
  at(Stmt::kFindSessionForUser) =
      "SELECT " AK_SESSION_COLS " FROM sessions WHERE id = $1 AND user_id = $2";
  at(Stmt::kListSessions) = "SELECT " AK_SESSION_COLS
                            " FROM sessions WHERE user_id = $1 ORDER BY created_at DESC, seq DESC";
  at(Stmt::kFindTokenByJti) = "SELECT " AK_TOKEN_COLS " FROM refresh_tokens WHERE jti = $1";
  at(Stmt::kFindTokenById) = "SELECT " AK_TOKEN_COLS " FROM refresh_tokens WHERE id = $1";
  at(Stmt::kListTokens) =
      "SELECT " AK_TOKEN_COLS " FROM refresh_tokens WHERE session_id = $1 ORDER BY created_at, seq";
  at(Stmt::kMarkTokenUsed) =
      "UPDATE refresh_tokens SET status = 'USED', used_at = " AK_TS("$2") ", "
      "replaced_by_token_id = $3 "
      "WHERE id = $1 AND status = 'ACTIVE' AND replaced_by_token_id IS NULL";
  at(Stmt::kTouchSession) =
      "UPDATE sessions SET last_seen_at = " AK_TS("$2") ", updated_at = " AK_TS("$2") ", "
      "user_agent = $3::text, ip_address = $4::text "
      "WHERE id = $1 AND status = 'ACTIVE' RETURNING " AK_SESSION_COLS;
  at(Stmt::kCompromiseSession) =
      "UPDATE sessions SET status = 'COMPROMISED', compromised_at = " AK_TS("$2") ", "
      "updated_at = " AK_TS("$2") " WHERE id = $1 AND status = 'ACTIVE'";
  at(Stmt::kMarkTokenReused) =
      "UPDATE refresh_tokens SET status = 'REUSED', revoked_at = " AK_TS("$3") " "
      "WHERE id = $1 AND session_id = $2 AND status IN ('ACTIVE', 'USED')";
  at(Stmt::kRevokeActiveTokens) =
      "UPDATE refresh_tokens SET status = 'REVOKED', revoked_at = " AK_TS("$2") " "
      "WHERE session_id = $1 AND status = 'ACTIVE'";
  at(Stmt::kRevokeSession) =
      "UPDATE sessions SET status = 'REVOKED', revoked_at = " AK_TS("$2") ", "
      "revoke_reason = $3, updated_at = " AK_TS("$2") " WHERE id = $1 AND status = 'ACTIVE'";
  // Locked in one order (by id) so that two revoke-alls of one user cannot deadlock.
  at(Stmt::kLockActiveSessionsOfUser) =
      "SELECT id FROM sessions WHERE user_id = $1 AND status = 'ACTIVE' ORDER BY id FOR UPDATE";
  at(Stmt::kRevokeSessionsOfUser) =
      "UPDATE sessions SET status = 'REVOKED', revoked_at = " AK_TS("$2") ", "
      "revoke_reason = $3, updated_at = " AK_TS("$2") " WHERE user_id = $1 AND status = 'ACTIVE'";
  at(Stmt::kRevokeTokensOfEndedSessionsOfUser) =
      "UPDATE refresh_tokens SET status = 'REVOKED', revoked_at = " AK_TS("$2") " "
      "WHERE status = 'ACTIVE' AND session_id IN "
      "(SELECT id FROM sessions WHERE user_id = $1 AND status <> 'ACTIVE')";
  at(Stmt::kPurgeSessions) =
      "DELETE FROM sessions WHERE (status = 'REVOKED' AND revoked_at < " AK_TS("$1") ") "
      "OR (status = 'COMPROMISED' AND compromised_at < " AK_TS("$1") ") "
      "OR (expires_at IS NOT NULL AND expires_at < " AK_TS("$1") ") "
      "OR (status = 'ACTIVE' AND created_at < " AK_TS("$1") " AND NOT EXISTS (SELECT 1 "
      "FROM refresh_tokens t WHERE t.session_id = sessions.id AND t.expires_at >= " AK_TS(
          "$1") "))";
  at(Stmt::kPurgeTokens) = "DELETE FROM refresh_tokens WHERE expires_at < " AK_TS("$1");
  at(Stmt::kListMigrations) =
      "SELECT version, name, checksum FROM schema_migrations ORDER BY version";
  at(Stmt::kInsertMigration) =
      "INSERT INTO schema_migrations (version, name, checksum, applied_at) "
      "VALUES ($1, $2, $3, " AK_TS("$4") ")";
  // The k*InOneTrip statements call the functions of migration 0002: one statement, so one
  // round trip, per state change (docs/benchmarks/postgres-round-trips.md). Records come back as
  // composites, spread here into the usual column lists (all NULL when absent).
  at(Stmt::kRotateInOneTrip) =
      "SELECT r.rotated, r.replay_session_compromised, r.replay_token_reused, "
      "r.replay_tokens_revoked, t.*, s.*, c.*, u.* FROM authkit_rotate_refresh_token($1, $2, $3, "
      "$4, $5, "
      "$6, $7, $8, $9::text, $10::text, $11, $12) AS r "
      "LEFT JOIN LATERAL (SELECT " AK_TOKEN_COLS
      " FROM (SELECT (r.out_token).*) AS x WHERE x.id IS NOT NULL) AS t ON true "
      "LEFT JOIN LATERAL (SELECT " AK_SESSION_COLS
      " FROM (SELECT (r.out_session).*) AS x WHERE x.id IS NOT NULL) AS s ON true "
      "LEFT JOIN LATERAL (SELECT " AK_TOKEN_COLS
      " FROM (SELECT (r.out_child).*) AS x WHERE x.id IS NOT NULL) AS c ON true "
      "LEFT JOIN LATERAL (SELECT " AK_USER_COLS
      " FROM (SELECT (r.out_user).*) AS x WHERE x.id IS NOT NULL) AS u ON true";
  // One statement: the token's foreign key is checked at its end, when the session is there.
  at(Stmt::kCreateSessionInOneTrip) =
      "WITH s AS (INSERT INTO sessions (id, user_id, status, created_at, updated_at, "
      "created_user_agent, created_ip_address, last_seen_at, user_agent, ip_address, expires_at) "
      "VALUES ($1, $2, 'ACTIVE', " AK_TS("$3") ", " AK_TS("$3") ", $4::text, $5::text, " AK_TS(
          "$3") ", $4::text, $5::text, " AK_TS("$6") ") RETURNING id) "
                    "INSERT INTO refresh_tokens (id, session_id, jti, token_hash, status, "
                    "created_at, expires_at) SELECT $7::text, s.id, $8::text, $9::text, 'ACTIVE', " AK_TS(
                        "$3") ", " AK_TS("$10") " FROM s";
  at(Stmt::kCompromiseInOneTrip) =
      "SELECT session_compromised, token_marked_reused, tokens_revoked "
      "FROM authkit_compromise_session($1, $2, $3)";
  at(Stmt::kRevokeSessionInOneTrip) =
      "SELECT session_found, changed FROM authkit_revoke_session($1, $2, $3, $4)";
  at(Stmt::kRevokeByTokenInOneTrip) =
      "SELECT r.revoked, t.*, s.* FROM authkit_revoke_session_by_token($1, $2, $3, $4, $5) AS r "
      "LEFT JOIN LATERAL (SELECT " AK_TOKEN_COLS
      " FROM (SELECT (r.out_token).*) AS x WHERE x.id IS NOT NULL) AS t ON true "
      "LEFT JOIN LATERAL (SELECT " AK_SESSION_COLS
      " FROM (SELECT (r.out_session).*) AS x WHERE x.id IS NOT NULL) AS s ON true";
  at(Stmt::kRevokeAllInOneTrip) = "SELECT authkit_revoke_all_sessions($1, $2, $3)";
  // The import: nothing to set up (the server's shared_buffers is the cache).
  at(Stmt::kImportSetUp) = "SELECT 1";
  // = ANY(ARRAY(...)) lets each list use its index (a bitmap OR across them).
  at(Stmt::kImportFindUsers) =
      "SELECT " AK_USER_COLS " FROM users WHERE id = ANY(ARRAY(" AK_JSON_LIST("$1") "::bigint)) "
      "OR email = ANY(ARRAY(" AK_JSON_LIST("$2") "))";
  at(Stmt::kImportFindSessions) =
      "SELECT " AK_SESSION_COLS " FROM sessions WHERE id = ANY(ARRAY(" AK_JSON_LIST("$1") "))";
  at(Stmt::kImportFindTokens) =
      "SELECT " AK_TOKEN_COLS " FROM refresh_tokens WHERE id = ANY(ARRAY(" AK_JSON_LIST("$1") ")) "
      "OR jti = ANY(ARRAY(" AK_JSON_LIST("$2") ")) "
      "OR token_hash = ANY(ARRAY(" AK_JSON_LIST("$3") "))";
  // The rows in the array's order (a function scan keeps it), so seq, the session list's
  // tie-break, follows it. The links among the array's own tokens are checked at the end of
  // the statement, when all of them are there.
  at(Stmt::kImportUsers) =
      "INSERT INTO users (" AK_IMPORT_USER_COLS ") SELECT " AK_IMPORT_USER_VALUES
      " FROM jsonb_to_recordset($1::jsonb) AS r(" AK_IMPORT_USER_TYPES ")";
  at(Stmt::kImportSessions) =
      "INSERT INTO sessions (" AK_IMPORT_SESSION_COLS ") SELECT " AK_IMPORT_SESSION_VALUES
      " FROM jsonb_to_recordset($1::jsonb) AS r(" AK_IMPORT_SESSION_TYPES ")";
  at(Stmt::kImportTokens) =
      "INSERT INTO refresh_tokens (" AK_IMPORT_TOKEN_COLS ") SELECT " AK_IMPORT_TOKEN_VALUES
      " FROM jsonb_to_recordset($1::jsonb) AS r(" AK_IMPORT_TOKEN_TYPES ")";
  // Never backwards: past $1, the largest id, and any id the sequence already handed out.
  at(Stmt::kImportUserIdsRow) = "SELECT 1";
  at(Stmt::kImportReserveUserIds) =
      "SELECT setval(s.seq, GREATEST($1::bigint, m.max_id, "
      "COALESCE(pg_sequence_last_value(s.seq), 0))) "
      "FROM (SELECT pg_get_serial_sequence('users', 'id')::regclass AS seq) AS s, "
      "(SELECT COALESCE(max(id), 0) AS max_id FROM users) AS m "
      "WHERE GREATEST($1::bigint, m.max_id) > 0";
  return s;
}();

}  // namespace

const std::array<std::string_view, kStatementCount>& postgres_statements() noexcept {
  return kStatements;
}

std::string_view postgres_migrations_table_sql() noexcept {
  return "CREATE TABLE IF NOT EXISTS schema_migrations ("
         "version INTEGER NOT NULL PRIMARY KEY, name TEXT NOT NULL, checksum TEXT NOT NULL, "
         "applied_at TIMESTAMPTZ NOT NULL)";
}

}  // namespace storage
}  // namespace v1
}  // namespace authkit
