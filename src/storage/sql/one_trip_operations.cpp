// One statement per state change: the rows it answers with, checked against rotation_rules.
#include "storage/sql/one_trip_operations.hpp"

#include <utility>

#include "storage/sql/rotation_rules.hpp"
#include "storage/sql/row_mapping.hpp"

namespace authkit {
inline namespace v1 {
namespace storage {
namespace {

constexpr std::size_t kTokenColumns = 11;
constexpr std::size_t kSessionColumns = 14;
constexpr std::size_t kUserColumns = 6;

Error bad_answer(std::string_view what) {
  return Error(ErrorCode::kInternalServerError, "storage: " + std::string(what));
}

bool as_bool(const SqlCell& c) {
  const std::string v = as_text(c);
  return v == "t" || v == "1" || v == "true";
}

// The record spread over row[first, first + count): nullopt when its id (first column) is NULL.
template <class T>
Result<std::optional<T>> record_at(const SqlRow& row, std::size_t first, std::size_t count,
                                   Result<T> (*map)(const SqlRow&)) {
  if (row.size() < first + count) return bad_answer("short row");
  if (is_null(row[first])) return std::optional<T>();
  const auto begin = row.begin() + static_cast<std::ptrdiff_t>(first);
  auto v = map(SqlRow(begin, begin + static_cast<std::ptrdiff_t>(count)));
  if (!v) return v.error();
  return std::optional<T>(std::move(*v));
}

Result<const SqlRow*> single_row(const Result<SqlResult>& r) {
  if (!r) return r.error();
  if (r->rows.size() != 1) return bad_answer("expected one row");
  return &r->rows.front();
}

}  // namespace

Result<RotateResult> rotate_in_one_trip(SqlDriver& driver, const RotateRequest& request,
                                        const std::string& child_id) {
  const auto r =
      driver.write(Stmt::kRotateInOneTrip,
                   {param(request.session_id), param(request.user_id), param(request.jti),
                    param(request.token_hash), param(child_id), param(request.child.jti),
                    param(request.child.token_hash), param(request.child.expires_at),
                    param(request.client.user_agent), param(request.client.ip_address),
                    param(request.now), param(std::int64_t{request.reuse_grace.count()})});
  auto row = single_row(r);
  if (!row) return row.error();
  const SqlRow& cells = **row;
  constexpr std::size_t kReplay = 1;  // what the compromise changed, or three NULLs
  constexpr std::size_t kToken = kReplay + 3;
  constexpr std::size_t kSession = kToken + kTokenColumns;
  constexpr std::size_t kChild = kSession + kSessionColumns;
  constexpr std::size_t kUser = kChild + kTokenColumns;
  if (cells.size() != kUser + kUserColumns) return bad_answer("unexpected rotation row");
  const bool rotated = as_bool(cells[0]);
  const bool compromised = !is_null(cells[kReplay]);
  auto token = record_at(cells, kToken, kTokenColumns, &token_from_row);
  if (!token) return token.error();
  auto session = record_at(cells, kSession, kSessionColumns, &session_from_row);
  if (!session) return session.error();
  auto child = record_at(cells, kChild, kTokenColumns, &token_from_row);
  if (!child) return child.error();
  auto user = record_at(cells, kUser, kUserColumns, &user_from_row);
  if (!user) return user.error();

  RotateResult out;
  // The token and the session as they were when the function decided (the session touched when
  // it rotated, which changes nothing the rules look at: status, user, expiry). A replay's
  // compromise is applied to them below.
  out.outcome = decide_rotation(*token, *session, *child, request);
  // A disagreement fails closed: no token is handed out on a rotation the rules refuse, and a
  // replay the function did not compromise is left to the service, which compromises it.
  if ((out.outcome == RotateOutcome::kRotated) != rotated ||
      (compromised && !is_replay(out.outcome))) {
    return bad_answer("the database and the rotation rules disagree");
  }
  out.token = std::move(*token);
  out.session = std::move(*session);
  out.user = std::move(*user);
  if (compromised) {
    CompromiseResult done;
    done.session_compromised = as_bool(cells[kReplay]);
    done.token_marked_reused = as_bool(cells[kReplay + 1]);
    done.tokens_revoked = as_int(cells[kReplay + 2]);
    record_compromise(out, done, request.now);
  } else if (out.outcome == RotateOutcome::kGraceReuse) {
    out.child = std::move(*child);
  } else if (rotated) {
    RefreshToken next;
    next.id = child_id;
    next.session_id = request.session_id;
    next.jti = request.child.jti;
    next.token_hash = request.child.token_hash;
    next.status = RefreshTokenStatus::kActive;
    next.created_at = request.now;
    next.expires_at = request.child.expires_at;
    next.parent_token_id = out.token->id;
    out.token->status = RefreshTokenStatus::kUsed;
    out.token->used_at = request.now;
    out.token->replaced_by_token_id = next.id;
    out.child = std::move(next);
  }
  return out;
}

Result<void> create_session_in_one_trip(SqlDriver& driver, const CreatedSession& created,
                                        const NewSession& session) {
  const Session& s = created.session;
  const RefreshToken& t = created.token;
  auto r = driver.write(
      Stmt::kCreateSessionInOneTrip,
      {param(s.id), param(s.user_id), param(session.now), param(session.client.user_agent),
       param(session.client.ip_address), param(session.expires_at), param(t.id), param(t.jti),
       param(t.token_hash), param(t.expires_at)});
  if (!r) return r.error();
  if (r->affected != 1) return bad_answer("session insert stored no token");
  return {};
}

Result<CompromiseResult> compromise_in_one_trip(SqlDriver& driver, std::string_view session_id,
                                                std::string_view token_id, TimePoint now) {
  const auto r =
      driver.write(Stmt::kCompromiseInOneTrip, {param(session_id), param(token_id), param(now)});
  auto row = single_row(r);
  if (!row) return row.error();
  const SqlRow& cells = **row;
  if (cells.size() != 3) return bad_answer("unexpected compromise row");
  CompromiseResult out;
  out.session_compromised = as_bool(cells[0]);
  out.token_marked_reused = as_bool(cells[1]);
  out.tokens_revoked = as_int(cells[2]);
  return out;
}

Result<bool> revoke_session_in_one_trip(SqlDriver& driver, UserId user_id,
                                        std::string_view session_id, TimePoint now) {
  const auto r = driver.write(
      Stmt::kRevokeSessionInOneTrip,
      {param(user_id), param(session_id), param(now), param(revoke_reason::kUserRevokedSession)});
  auto row = single_row(r);
  if (!row) return row.error();
  const SqlRow& cells = **row;
  if (cells.size() != 2) return bad_answer("unexpected revoke row");
  if (!as_bool(cells[0])) return Error(ErrorCode::kSessionNotFound).with_status(404);
  return as_bool(cells[1]);
}

Result<RevokeByTokenResult> revoke_by_token_in_one_trip(SqlDriver& driver,
                                                        const RevokeByTokenRequest& request) {
  const auto r =
      driver.write(Stmt::kRevokeByTokenInOneTrip,
                   {param(request.session_id), param(request.jti), param(request.token_hash),
                    param(request.now), param(revoke_reason::kUserRevokedCurrentSession)});
  auto row = single_row(r);
  if (!row) return row.error();
  const SqlRow& cells = **row;
  constexpr std::size_t kToken = 1;
  constexpr std::size_t kSession = kToken + kTokenColumns;
  if (cells.size() != kSession + kSessionColumns) return bad_answer("unexpected logout row");
  const bool revoked = as_bool(cells[0]);
  auto token = record_at(cells, kToken, kTokenColumns, &token_from_row);
  if (!token) return token.error();
  auto session = record_at(cells, kSession, kSessionColumns, &session_from_row);
  if (!session) return session.error();
  RevokeByTokenResult out;
  out.token = std::move(*token);
  out.session = std::move(*session);
  if (revoked) {
    // The token as it is now is REVOKED; the rules decided on it while it was ACTIVE.
    out.outcome = RevokeByTokenOutcome::kRevoked;
    return out;
  }
  out.outcome = decide_revoke_by_token(out.token, request);
  if (out.outcome == RevokeByTokenOutcome::kRevoked) {
    return bad_answer("the database and the logout rules disagree");
  }
  return out;
}

Result<std::int64_t> revoke_all_in_one_trip(SqlDriver& driver, UserId user_id, TimePoint now) {
  const auto r =
      driver.write(Stmt::kRevokeAllInOneTrip,
                   {param(user_id), param(now), param(revoke_reason::kUserRevokedAllSessions)});
  auto row = single_row(r);
  if (!row) return row.error();
  if (row.value()->size() != 1) return bad_answer("unexpected revoke-all row");
  return as_int(row.value()->front());
}

}  // namespace storage
}  // namespace v1
}  // namespace authkit
