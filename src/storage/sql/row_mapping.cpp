// Column-list rows to User, Session and RefreshToken.
#include "storage/sql/row_mapping.hpp"

#include <span>

namespace authkit {
inline namespace v1 {
namespace storage {
namespace {

Error bad_row(std::string_view what) {
  return Error(ErrorCode::kInternalServerError,
               "storage: unexpected " + std::string(what) + " row");
}

constexpr std::size_t kUserColumnCount = 6;
constexpr std::size_t kSessionColumnCount = 14;

Result<User> user_from_cells(std::span<const SqlCell> row) {
  if (row.size() != kUserColumnCount) return bad_row("user");
  User u;
  u.id = as_int(row[0]);
  u.name = as_text(row[1]);
  u.email = as_text(row[2]);
  u.password_hash = as_text(row[3]);
  u.created_at = as_time(row[4]);
  u.updated_at = as_time(row[5]);
  return u;
}

Result<Session> session_from_cells(std::span<const SqlCell> row) {
  if (row.size() != kSessionColumnCount) return bad_row("session");
  Session s;
  s.id = as_text(row[0]);
  s.user_id = as_int(row[1]);
  const auto status = session_status_from_string(as_text(row[2]));
  if (!status) return bad_row("session status");
  s.status = *status;
  s.created_at = as_time(row[3]);
  s.updated_at = as_time(row[4]);
  s.created_from.user_agent = as_opt_text(row[5]);
  s.created_from.ip_address = as_opt_text(row[6]);
  s.last_seen_at = as_opt_time(row[7]);
  s.last_seen_from.user_agent = as_opt_text(row[8]);
  s.last_seen_from.ip_address = as_opt_text(row[9]);
  s.expires_at = as_opt_time(row[10]);
  s.revoked_at = as_opt_time(row[11]);
  s.revoke_reason = as_opt_text(row[12]);
  s.compromised_at = as_opt_time(row[13]);
  return s;
}

}  // namespace

Result<User> user_from_row(const SqlRow& row) { return user_from_cells(row); }

Result<Session> session_from_row(const SqlRow& row) { return session_from_cells(row); }

Result<SessionWithUser> session_with_user_from_row(const SqlRow& row) {
  if (row.size() != kSessionColumnCount + kUserColumnCount) return bad_row("session with user");
  const std::span<const SqlCell> cells(row);
  auto session = session_from_cells(cells.first(kSessionColumnCount));
  if (!session) return std::move(session).error();
  auto user = user_from_cells(cells.subspan(kSessionColumnCount));
  if (!user) return std::move(user).error();
  // The profile only: a bearer-checked request never needs the password hash.
  return SessionWithUser{std::move(*session), UserProfile(std::move(*user))};
}

Result<RefreshToken> token_from_row(const SqlRow& row) {
  if (row.size() != 11) return bad_row("refresh token");
  RefreshToken t;
  t.id = as_text(row[0]);
  t.session_id = as_text(row[1]);
  t.jti = as_text(row[2]);
  t.token_hash = as_text(row[3]);
  const auto status = refresh_token_status_from_string(as_text(row[4]));
  if (!status) return bad_row("refresh token status");
  t.status = *status;
  t.created_at = as_time(row[5]);
  t.expires_at = as_time(row[6]);
  t.used_at = as_opt_time(row[7]);
  t.revoked_at = as_opt_time(row[8]);
  t.parent_token_id = as_opt_text(row[9]);
  t.replaced_by_token_id = as_opt_text(row[10]);
  return t;
}

}  // namespace storage
}  // namespace v1
}  // namespace authkit
