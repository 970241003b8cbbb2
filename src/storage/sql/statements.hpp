// The named statements every SQL backend provides, each with the same parameters and columns.
#pragma once

#include <cstddef>

namespace authkit {
inline namespace v1 {
namespace storage {

// Column lists: kUserColumns (id, name, email, password_hash, created_at, updated_at);
// kSessionColumns (id, user_id, status, created_at, updated_at, created_user_agent,
// created_ip_address, last_seen_at, user_agent, ip_address, expires_at, revoked_at,
// revoke_reason, compromised_at); kTokenColumns (id, session_id, jti, token_hash, status,
// created_at, expires_at, used_at, revoked_at, parent_token_id, replaced_by_token_id).
// Times are ms since the epoch in parameters and in results.
enum class Stmt : std::size_t {
  kPing,                      // SELECT 1
  kInsertUser,                // $1 name $2 email $3 hash $4 now → kUserColumns
  kFindUserByEmail,           // $1 email → kUserColumns
  kFindUserById,              // $1 id → kUserColumns
  kUpdatePasswordHash,        // $1 id $2 hash $3 now
  kInsertSession,             // $1 id $2 user $3 now $4 ua $5 ip $6 expires_at
  kInsertToken,               // $1 id $2 session $3 jti $4 hash $5 now $6 expires_at $7 parent
  kFindSession,               // $1 id → kSessionColumns
  kFindSessionWithUser,       // $1 id → kSessionColumns then kUserColumns
  kLockSession,               // $1 id → kSessionColumns, row locked for the transaction
  kFindSessionForUser,        // $1 id $2 user → kSessionColumns
  kListSessions,              // $1 user → kSessionColumns, newest first, stable
  kFindTokenByJti,            // $1 jti → kTokenColumns
  kFindTokenById,             // $1 id → kTokenColumns
  kListTokens,                // $1 session → kTokenColumns, oldest first
  kMarkTokenUsed,             // $1 id $2 now $3 child id (only if ACTIVE and not replaced)
  kTouchSession,              // $1 id $2 now $3 ua $4 ip (only if ACTIVE) → kSessionColumns
  kCompromiseSession,         // $1 id $2 now (only if ACTIVE)
  kMarkTokenReused,           // $1 id $2 session $3 now (only if ACTIVE or USED)
  kRevokeActiveTokens,        // $1 session $2 now
  kRevokeSession,             // $1 id $2 now $3 reason (only if ACTIVE)
  kLockActiveSessionsOfUser,  // $1 user → id, ordered, rows locked
  kRevokeSessionsOfUser,      // $1 user $2 now $3 reason (only ACTIVE ones)
  kRevokeTokensOfEndedSessionsOfUser,  // $1 user $2 now
  kPurgeSessions,                      // $1 cutoff
  kPurgeTokens,                        // $1 cutoff
  kListMigrations,                     // → version, name, checksum
  kInsertMigration,                    // $1 version $2 name $3 checksum $4 now
  // One statement per state change, for drivers with one_trip_writes() (PostgreSQL: server-side
  // functions of its migrations). Other backends leave them empty.
  // $1 session $2 user $3 jti $4 hash $5 child id $6 child jti $7 child hash $8 child expires_at
  // $9 ua $10 ip $11 now $12 grace ms → rotated, the replay's compromise (session compromised,
  // token reused, tokens revoked: NULLs unless a replay), kTokenColumns, kSessionColumns,
  // kTokenColumns (child within grace), kUserColumns; a record that is not there is all NULL
  kRotateInOneTrip,
  // $1 id $2 user $3 now $4 ua $5 ip $6 expires_at $7 token id $8 jti $9 hash $10 token expires_at
  kCreateSessionInOneTrip,
  // $1 session $2 token id $3 now → session_compromised, token_marked_reused, tokens_revoked
  kCompromiseInOneTrip,
  // $1 user $2 session $3 now $4 reason → session_found, changed
  kRevokeSessionInOneTrip,
  // $1 session $2 jti $3 hash $4 now $5 reason → revoked, kTokenColumns, kSessionColumns
  kRevokeByTokenInOneTrip,
  // $1 user $2 now $3 reason → sessions revoked
  kRevokeAllInOneTrip,
  // The import of rows kept from elsewhere (sql_importer.cpp), a batch a statement. Lists come
  // as JSON arrays of ids or values; rows as JSON arrays of objects whose members are named as
  // the columns, times in ms.
  kImportSetUp,         // first in each batch: what a bulk copy wants of the connection
  kImportFindUsers,     // $1 [id] $2 [email] → kUserColumns of users holding either
  kImportFindSessions,  // $1 [id] → kSessionColumns
  kImportFindTokens,    // $1 [id] $2 [jti] $3 [token_hash] → kTokenColumns of tokens holding any
  kImportUsers,         // $1 [user] with their ids
  kImportSessions,      // $1 [session] with their ids (every column but seq)
  kImportTokens,        // $1 [token] with their ids; links to tokens in the array or the table
  kImportUserIdsRow,    // where the sequence is a row (SQLite), that row, made if missing
  kImportReserveUserIds,  // $1 id: ids generated later are above it and above every stored id
  kCount,                 // keep last
};

inline constexpr std::size_t kStatementCount = static_cast<std::size_t>(Stmt::kCount);

}  // namespace storage
}  // namespace v1
}  // namespace authkit
