// SQLite's SQL for the named statements: times are INTEGER ms, parameters are ?N.
#include "storage/sqlite/sqlite_statements.hpp"

namespace authkit {
inline namespace v1 {
namespace storage {
namespace {

#define AK_USER_COLS "id, name, email, password_hash, created_at, updated_at"
#define AK_SESSION_COLS                                                                   \
  "id, user_id, status, created_at, updated_at, created_user_agent, created_ip_address, " \
  "last_seen_at, user_agent, ip_address, expires_at, revoked_at, revoke_reason, compromised_at"
#define AK_TOKEN_COLS                                                                      \
  "id, session_id, jti, token_hash, status, created_at, expires_at, used_at, revoked_at, " \
  "parent_token_id, replaced_by_token_id"

constexpr std::array<std::string_view, kStatementCount> kStatements = [] {
  std::array<std::string_view, kStatementCount> s{};
  auto at = [&s](Stmt id) -> std::string_view& { return s[static_cast<std::size_t>(id)]; };
  at(Stmt::kPing) = "SELECT 1";
  at(Stmt::kInsertUser) =
      "INSERT INTO users (name, email, password_hash, created_at, updated_at) "
      "VALUES (?1, ?2, ?3, ?4, ?4) RETURNING " AK_USER_COLS;
  at(Stmt::kFindUserByEmail) = "SELECT " AK_USER_COLS " FROM users WHERE email = ?1";
  at(Stmt::kFindUserById) = "SELECT " AK_USER_COLS " FROM users WHERE id = ?1";
  at(Stmt::kUpdatePasswordHash) =
      "UPDATE users SET password_hash = ?2, updated_at = ?3 WHERE id = ?1";
  at(Stmt::kInsertSession) =
      "INSERT INTO sessions (id, user_id, status, created_at, updated_at, created_user_agent, "
      "created_ip_address, last_seen_at, user_agent, ip_address, expires_at) "
      "VALUES (?1, ?2, 'ACTIVE', ?3, ?3, ?4, ?5, ?3, ?4, ?5, ?6)";
  at(Stmt::kInsertToken) =
      "INSERT INTO refresh_tokens (id, session_id, jti, token_hash, status, created_at, "
      "expires_at, parent_token_id) VALUES (?1, ?2, ?3, ?4, 'ACTIVE', ?5, ?6, ?7)";
  at(Stmt::kFindSession) = "SELECT " AK_SESSION_COLS " FROM sessions WHERE id = ?1";
  // Subqueries keep each column list unqualified (both tables have an `id`).
  at(Stmt::kFindSessionWithUser) =
      "SELECT * FROM (SELECT " AK_SESSION_COLS
      " FROM sessions WHERE id = ?1) AS s "
      "JOIN (SELECT " AK_USER_COLS " FROM users) AS u ON u.id = s.user_id";
  // BEGIN IMMEDIATE already excludes every other writer: no row lock is needed.
  at(Stmt::kLockSession) = "SELECT " AK_SESSION_COLS " FROM sessions WHERE id = ?1";
  at(Stmt::kFindSessionForUser) =
      "SELECT " AK_SESSION_COLS " FROM sessions WHERE id = ?1 AND user_id = ?2";
  at(Stmt::kListSessions) = "SELECT " AK_SESSION_COLS
                            " FROM sessions WHERE user_id = ?1 ORDER BY created_at DESC, "
                            "rowid DESC";
  at(Stmt::kFindTokenByJti) = "SELECT " AK_TOKEN_COLS " FROM refresh_tokens WHERE jti = ?1";
  at(Stmt::kFindTokenById) = "SELECT " AK_TOKEN_COLS " FROM refresh_tokens WHERE id = ?1";
  at(Stmt::kListTokens) = "SELECT " AK_TOKEN_COLS
                          " FROM refresh_tokens WHERE session_id = ?1 ORDER BY created_at, rowid";
  at(Stmt::kMarkTokenUsed) =
      "UPDATE refresh_tokens SET status = 'USED', used_at = ?2, replaced_by_token_id = ?3 "
      "WHERE id = ?1 AND status = 'ACTIVE' AND replaced_by_token_id IS NULL";
  at(Stmt::kTouchSession) =
      "UPDATE sessions SET last_seen_at = ?2, updated_at = ?2, user_agent = ?3, ip_address = ?4 "
      "WHERE id = ?1 AND status = 'ACTIVE' RETURNING " AK_SESSION_COLS;
  at(Stmt::kCompromiseSession) =
      "UPDATE sessions SET status = 'COMPROMISED', compromised_at = ?2, updated_at = ?2 "
      "WHERE id = ?1 AND status = 'ACTIVE'";
  at(Stmt::kMarkTokenReused) =
      "UPDATE refresh_tokens SET status = 'REUSED', revoked_at = ?3 "
      "WHERE id = ?1 AND session_id = ?2 AND status IN ('ACTIVE', 'USED')";
  at(Stmt::kRevokeActiveTokens) =
      "UPDATE refresh_tokens SET status = 'REVOKED', revoked_at = ?2 "
      "WHERE session_id = ?1 AND status = 'ACTIVE'";
  at(Stmt::kRevokeSession) =
      "UPDATE sessions SET status = 'REVOKED', revoked_at = ?2, revoke_reason = ?3, "
      "updated_at = ?2 WHERE id = ?1 AND status = 'ACTIVE'";
  at(Stmt::kLockActiveSessionsOfUser) =
      "SELECT id FROM sessions WHERE user_id = ?1 AND status = 'ACTIVE' ORDER BY id";
  at(Stmt::kRevokeSessionsOfUser) =
      "UPDATE sessions SET status = 'REVOKED', revoked_at = ?2, revoke_reason = ?3, "
      "updated_at = ?2 WHERE user_id = ?1 AND status = 'ACTIVE'";
  at(Stmt::kRevokeTokensOfEndedSessionsOfUser) =
      "UPDATE refresh_tokens SET status = 'REVOKED', revoked_at = ?2 WHERE status = 'ACTIVE' "
      "AND session_id IN (SELECT id FROM sessions WHERE user_id = ?1 AND status <> 'ACTIVE')";
  at(Stmt::kPurgeSessions) =
      "DELETE FROM sessions WHERE (status = 'REVOKED' AND revoked_at < ?1) "
      "OR (status = 'COMPROMISED' AND compromised_at < ?1) "
      "OR (expires_at IS NOT NULL AND expires_at < ?1) "
      "OR (status = 'ACTIVE' AND created_at < ?1 AND NOT EXISTS (SELECT 1 FROM refresh_tokens t "
      "WHERE t.session_id = sessions.id AND t.expires_at >= ?1))";
  at(Stmt::kPurgeTokens) = "DELETE FROM refresh_tokens WHERE expires_at < ?1";
  at(Stmt::kListMigrations) =
      "SELECT version, name, checksum FROM schema_migrations ORDER BY version";
  at(Stmt::kInsertMigration) =
      "INSERT INTO schema_migrations (version, name, checksum, applied_at) "
      "VALUES (?1, ?2, ?3, ?4)";
  // No k*InOneTrip statements: embedded, SQLite has no round trips to save
  // (SqlDriver::one_trip_writes).
  // The import. A page cache of 64 MiB rather than 2: the unique indexes on random UUIDs and
  // hashes are written all over, and every page missing from the cache is a read (the import's
  // own connection only; docs/benchmarks/import.md). json_extract gives a JSON member as the
  // SQL value it holds (NULL for null).
  at(Stmt::kImportSetUp) = "PRAGMA cache_size = -65536";
  at(Stmt::kImportFindUsers) = "SELECT " AK_USER_COLS
                               " FROM users WHERE id IN (SELECT value FROM json_each(?1)) "
                               "OR email IN (SELECT value FROM json_each(?2))";
  at(Stmt::kImportFindSessions) =
      "SELECT " AK_SESSION_COLS " FROM sessions WHERE id IN (SELECT value FROM json_each(?1))";
  at(Stmt::kImportFindTokens) =
      "SELECT " AK_TOKEN_COLS
      " FROM refresh_tokens WHERE id IN (SELECT value FROM json_each(?1)) "
      "OR jti IN (SELECT value FROM json_each(?2)) "
      "OR token_hash IN (SELECT value FROM json_each(?3))";
  // Rows in the array's order (the session list's tie-break is the rowid). The links among the
  // array's own tokens are checked at the end of the statement, when all of them are there.
  at(Stmt::kImportUsers) =
      "INSERT INTO users (" AK_USER_COLS
      ") SELECT "
      "json_extract(value, '$.id'), json_extract(value, '$.name'), "
      "json_extract(value, '$.email'), json_extract(value, '$.password_hash'), "
      "json_extract(value, '$.created_at'), json_extract(value, '$.updated_at')"
      " FROM json_each(?1) ORDER BY key";
  at(Stmt::kImportSessions) =
      "INSERT INTO sessions (" AK_SESSION_COLS
      ") SELECT "
      "json_extract(value, '$.id'), json_extract(value, '$.user_id'), "
      "json_extract(value, '$.status'), json_extract(value, '$.created_at'), "
      "json_extract(value, '$.updated_at'), json_extract(value, '$.created_user_agent'), "
      "json_extract(value, '$.created_ip_address'), json_extract(value, '$.last_seen_at'), "
      "json_extract(value, '$.user_agent'), json_extract(value, '$.ip_address'), "
      "json_extract(value, '$.expires_at'), json_extract(value, '$.revoked_at'), "
      "json_extract(value, '$.revoke_reason'), json_extract(value, '$.compromised_at')"
      " FROM json_each(?1) ORDER BY key";
  at(Stmt::kImportTokens) =
      "INSERT INTO refresh_tokens (" AK_TOKEN_COLS
      ") SELECT "
      "json_extract(value, '$.id'), json_extract(value, '$.session_id'), "
      "json_extract(value, '$.jti'), json_extract(value, '$.token_hash'), "
      "json_extract(value, '$.status'), json_extract(value, '$.created_at'), "
      "json_extract(value, '$.expires_at'), json_extract(value, '$.used_at'), "
      "json_extract(value, '$.revoked_at'), json_extract(value, '$.parent_token_id'), "
      "json_extract(value, '$.replaced_by_token_id')"
      " FROM json_each(?1) ORDER BY key";
  // AUTOINCREMENT keeps its counter, past every id inserted, in sqlite_sequence: a row made at
  // the first insert, which a reservation may come before.
  at(Stmt::kImportUserIdsRow) =
      "INSERT INTO sqlite_sequence (name, seq) SELECT 'users', 0 "
      "WHERE NOT EXISTS (SELECT 1 FROM sqlite_sequence WHERE name = 'users')";
  at(Stmt::kImportReserveUserIds) =
      "UPDATE sqlite_sequence SET seq = max(seq, ?1, (SELECT COALESCE(max(id), 0) FROM users)) "
      "WHERE name = 'users'";
  return s;
}();

}  // namespace

const std::array<std::string_view, kStatementCount>& sqlite_statements() noexcept {
  return kStatements;
}

std::string_view sqlite_migrations_table_sql() noexcept {
  return "CREATE TABLE IF NOT EXISTS schema_migrations ("
         "version INTEGER NOT NULL PRIMARY KEY, name TEXT NOT NULL, checksum TEXT NOT NULL, "
         "applied_at INTEGER NOT NULL)";
}

}  // namespace storage
}  // namespace v1
}  // namespace authkit
