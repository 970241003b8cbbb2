/// @file
/// StoreImporter: copies users, sessions and refresh tokens that exist elsewhere (the original
/// service's database, docs/migrating-from-the-original.md) into a store, keeping their ids, so
/// that the tokens already handed out (`sub`, `sid`, `jti`, stored hash) stay valid.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "authkit/export.hpp"
#include "authkit/records.hpp"
#include "authkit/result.hpp"

namespace authkit {
inline namespace v1 {

/// Rows to copy together. A session's user and a token's session are in the same batch or
/// already in the store (else the row is refused). A token's parent or replacement is kept
/// when it is a token of the same session in the batch or the store, else stored as no link
/// (the original keeps links to tokens it may have deleted): give each session's tokens in one
/// batch, so that no link depends on which batch its target came in.
struct ImportBatch {
  /// With their ids and password hashes as they are, e-mails normalised as the Store expects
  /// (normalize_email in contract.hpp): the store compares and looks them up as given.
  std::vector<User> users;
  std::vector<Session> sessions;     ///< With their ids, statuses and times.
  std::vector<RefreshToken> tokens;  ///< With their ids, jti, stored hashes and chain links.
};

/// Which kind of row a refusal is about.
enum class ImportedKind { kUser, kSession, kToken };

/// "user", "session" or "token".
AUTHKIT_API std::string_view to_string(ImportedKind kind) noexcept;

/// A row that was not copied, and why. The reason names ids only: never an e-mail, a hash or
/// any other value of the row.
struct ImportRefusal {
  ImportedKind kind = ImportedKind::kUser;  ///< The kind of row.
  std::string id;                           ///< Its id (a user id in decimal).
  std::string reason;                       ///< Why, for the operator.
};

/// What happened to the rows of one kind.
struct ImportTally {
  std::int64_t copied = 0;   ///< Inserted by this call.
  std::int64_t skipped = 0;  ///< Already in the store with the same values (an earlier run).
  std::int64_t refused = 0;  ///< Conflicting with the store, or invalid: see the refusals.
};

/// What one import_batch() did.
struct ImportReport {
  ImportTally users;                    ///< Users copied, skipped and refused.
  ImportTally sessions;                 ///< Sessions copied, skipped and refused.
  ImportTally tokens;                   ///< Refresh tokens copied, skipped and refused.
  std::vector<ImportRefusal> refusals;  ///< One entry per refused row.
};

/// Copies batches of rows into a store (open_store_importer in backends.hpp). Each batch is one
/// transaction, and a row already in the store with the same values is skipped: importing the
/// same rows again changes nothing, so an import cut short resumes by being run again. A row
/// that conflicts with what the store holds (the same id with other values, or an e-mail, jti
/// or token hash that another row holds) is refused, with the rows that depend on it (a refused
/// user's sessions, a refused session's tokens). Rows the store could not hold (text that is not
/// UTF-8 or holds NUL, a token hash that is not 64 lowercase hex digits, an unknown revoke
/// reason) are refused too. Thread-safe; batches are meant to come from one importer at a time.
class AUTHKIT_API StoreImporter {
 public:
  virtual ~StoreImporter();
  /// Copies `batch` in one transaction; on failure (the database unreachable, a concurrent
  /// writer taking an id or e-mail between the checks and the insert) nothing of it is stored,
  /// and importing it again is safe.
  virtual Result<ImportReport> import_batch(const ImportBatch& batch) = 0;
  /// Makes the ids the store generates from now on (registrations) larger than `last` and than
  /// every stored id, never smaller than they already were: give it the largest id the source
  /// ever handed out, so that no id of a user deleted there, or refused here, is given again.
  /// import_batch() already moves past the ids it copies.
  virtual Result<void> reserve_user_ids(UserId last) = 0;
};

}  // namespace v1
}  // namespace authkit
