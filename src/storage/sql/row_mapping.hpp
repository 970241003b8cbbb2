// Rows of the named statements' column lists (see statements.hpp) turned into records.
#pragma once

#include "authkit/records.hpp"
#include "authkit/result.hpp"
#include "storage/sql/sql_types.hpp"

namespace authkit {
inline namespace v1 {
namespace storage {

// kInternalServerError when a row does not have the expected shape (a schema not ours).
Result<User> user_from_row(const SqlRow& row);
Result<Session> session_from_row(const SqlRow& row);
Result<RefreshToken> token_from_row(const SqlRow& row);
// kSessionColumns followed by kUserColumns.
Result<SessionWithUser> session_with_user_from_row(const SqlRow& row);

}  // namespace storage
}  // namespace v1
}  // namespace authkit
