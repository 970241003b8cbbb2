// The Store operations over a SqlDriver: each one a single transaction of named statements, or
// on a driver with one_trip_writes() a single statement (one_trip_operations.hpp).
#include "storage/sql/sql_store.hpp"

#include <algorithm>
#include <map>
#include <utility>

#include "authkit/crypto.hpp"
#include "base/catch_all.hpp"
#include "storage/sql/one_trip_operations.hpp"
#include "storage/sql/rotation_rules.hpp"
#include "storage/sql/row_mapping.hpp"

namespace authkit {
inline namespace v1 {
namespace storage {
namespace {

// Nothing may escape the public API as an exception (bad_alloc included).
template <class F>
auto guarded(F&& f) -> decltype(f()) {
  return catch_all(std::forward<F>(f), "storage: ");
}

// PostgreSQL cannot store U+0000 in text (docs/compatibility.md#input-max-lengths): refuse it on
// every backend alike.
bool has_nul(std::string_view s) { return s.find('\0') != std::string_view::npos; }
bool has_nul(const std::string& s) { return has_nul(std::string_view(s)); }
bool has_nul(const std::optional<std::string>& s) { return s && has_nul(std::string_view(*s)); }

Error invalid_text(std::string_view field) {
  Error e(ErrorCode::kInvalidPayload, "storage: NUL character in " + std::string(field));
  e.details.push_back({std::string(field), std::string(field) + " must not contain NUL"});
  return e;
}

template <class T>
Result<std::optional<T>> first_row(const Result<SqlResult>& r, Result<T> (*map)(const SqlRow&)) {
  if (!r) return r.error();
  if (r->rows.empty()) return std::optional<T>();
  auto v = map(r->rows.front());
  if (!v) return v.error();
  return std::optional<T>(std::move(*v));
}

template <class T>
Result<std::vector<T>> all_rows(const Result<SqlResult>& r, Result<T> (*map)(const SqlRow&)) {
  if (!r) return r.error();
  std::vector<T> out;
  out.reserve(r->rows.size());
  for (const auto& row : r->rows) {
    auto v = map(row);
    if (!v) return v.error();
    out.push_back(std::move(*v));
  }
  return out;
}

std::string id_or_new(const std::string& id) { return id.empty() ? crypto::random_uuid_v4() : id; }

// The compromise (docs/compatibility.md#atomic-compromise) inside a write transaction that holds
// the session's lock.
Result<CompromiseResult> compromise_locked(SqlSession& s, std::string_view session_id,
                                           std::string_view token_id, TimePoint now) {
  auto a = s.exec(Stmt::kCompromiseSession, {param(session_id), param(now)});
  if (!a) return a.error();
  auto b = s.exec(Stmt::kMarkTokenReused, {param(token_id), param(session_id), param(now)});
  if (!b) return b.error();
  auto c = s.exec(Stmt::kRevokeActiveTokens, {param(session_id), param(now)});
  if (!c) return c.error();
  CompromiseResult out;
  out.session_compromised = a->affected > 0;
  out.token_marked_reused = b->affected > 0;
  out.tokens_revoked = c->affected;
  return out;
}

}  // namespace

SqlStore::SqlStore(std::unique_ptr<SqlDriver> driver, StoreOptions options)
    : driver_(std::move(driver)), options_(std::move(options)) {
  if (!options_.clock) options_.clock = system_clock();
  for (const auto& m : driver_->migrations()) checksums_.push_back(crypto::sha256_hex(m.sql));
}

std::string_view SqlStore::backend_name() const noexcept { return driver_->name(); }

Result<MigrationReport> SqlStore::migrate() {
  return guarded([&]() -> Result<MigrationReport> {
    MigrationReport report;
    const MigrationSet set = driver_->migrations();
    for (;;) {
      bool applied_one = false;
      int applied_version = 0;
      int current = 0;
      auto r = driver_->run(TxKind::kMigration, [&](SqlSession& s) -> Result<void> {
        applied_one = false;
        current = 0;
        auto applied = applied_migrations(s, set);
        if (!applied) return applied.error();
        if (!applied->empty()) current = *applied->rbegin();
        for (std::size_t i = 0; i < set.size(); ++i) {
          if (applied->count(set[i].version) != 0) continue;
          AUTHKIT_RETURN_IF_ERROR(s.exec_script(set[i].sql));
          auto ins = s.exec(Stmt::kInsertMigration,
                            {param(std::int64_t{set[i].version}), param(set[i].name),
                             param(checksums_[i]), param(options_.clock->now())});
          if (!ins) return ins.error();
          applied_version = set[i].version;
          current = set[i].version;
          applied_one = true;
          break;  // one migration per transaction
        }
        return {};
      });
      if (!r) return r.error();
      if (applied_one) report.applied.push_back(applied_version);
      report.current_version = current;
      if (!applied_one) return report;
    }
  });
}

Result<std::set<int>> SqlStore::applied_migrations(SqlSession& s, const MigrationSet& set) {
  AUTHKIT_RETURN_IF_ERROR(s.exec_script(driver_->migrations_table_sql()));
  auto rows = s.exec(Stmt::kListMigrations, {});
  if (!rows) return rows.error();
  std::set<int> applied;
  for (const auto& row : rows->rows) {
    const int version = static_cast<int>(as_int(row.at(0)));
    std::size_t i = 0;
    while (i < set.size() && set[i].version != version) ++i;
    if (i == set.size()) {
      return Error(ErrorCode::kInternalServerError,
                   "storage: the database has migration " + std::to_string(version) +
                       " which this libauthkit does not know (a newer version?)");
    }
    if (as_text(row.at(2)) != checksums_[i]) {
      return Error(ErrorCode::kInternalServerError,
                   "storage: migration " + std::to_string(version) + " (" +
                       std::string(set[i].name) +
                       ") was changed after it was applied: checksum mismatch");
    }
    applied.insert(version);
  }
  return applied;
}

Result<std::vector<int>> SqlStore::pending_migrations() {
  return guarded([&]() -> Result<std::vector<int>> {
    const MigrationSet set = driver_->migrations();
    std::vector<int> pending;
    auto r = driver_->run(TxKind::kWrite, [&](SqlSession& s) -> Result<void> {
      auto applied = applied_migrations(s, set);
      if (!applied) return applied.error();
      pending.clear();
      for (const auto& migration : set) {
        if (applied->count(migration.version) == 0) pending.push_back(migration.version);
      }
      return {};
    });
    if (!r) return r.error();
    return pending;
  });
}

Result<void> SqlStore::ping() {
  return guarded([&]() -> Result<void> {
    return driver_->run(TxKind::kRead, [](SqlSession& s) -> Result<void> {
      auto r = s.exec(Stmt::kPing, {});
      if (!r) return r.error();
      return {};
    });
  });
}

Result<User> SqlStore::create_user(const NewUser& user) {
  return guarded([&]() -> Result<User> {
    if (has_nul(user.name)) return invalid_text("name");
    if (has_nul(user.email)) return invalid_text("email");
    if (has_nul(user.password_hash)) return invalid_text("password_hash");
    // One statement, atomic on its own: one round trip on PostgreSQL.
    auto row =
        first_row(driver_->write(Stmt::kInsertUser, {param(user.name), param(user.email),
                                                     param(user.password_hash), param(user.now)}),
                  &user_from_row);
    if (!row) return row.error();
    if (!*row) return Error(ErrorCode::kInternalServerError, "storage: insert returned no row");
    return std::move(**row);
  });
}

Result<std::optional<User>> SqlStore::find_user_by_email(std::string_view email) {
  return guarded([&]() -> Result<std::optional<User>> {
    return first_row(driver_->read(Stmt::kFindUserByEmail, {param(email)}), &user_from_row);
  });
}

Result<std::optional<User>> SqlStore::find_user_by_id(UserId id) {
  return guarded([&]() -> Result<std::optional<User>> {
    return first_row(driver_->read(Stmt::kFindUserById, {param(id)}), &user_from_row);
  });
}

Result<void> SqlStore::update_password_hash(UserId id, std::string_view password_hash,
                                            TimePoint now) {
  return guarded([&]() -> Result<void> {
    if (has_nul(password_hash)) return invalid_text("password_hash");
    return driver_->run(TxKind::kWrite, [&](SqlSession& s) -> Result<void> {
      auto r = s.exec(Stmt::kUpdatePasswordHash, {param(id), param(password_hash), param(now)});
      if (!r) return r.error();
      if (r->affected == 0) return Error(ErrorCode::kNotFound, "storage: no such user");
      return {};
    });
  });
}

Result<CreatedSession> SqlStore::create_session(const NewSession& session) {
  return guarded([&]() -> Result<CreatedSession> {
    if (has_nul(session.client.user_agent)) return invalid_text("user_agent");
    if (has_nul(session.client.ip_address)) return invalid_text("ip_address");
    CreatedSession out;
    Session& s = out.session;
    s.id = id_or_new(session.id);
    s.user_id = session.user_id;
    s.status = SessionStatus::kActive;
    s.created_at = s.updated_at = session.now;
    s.created_from = s.last_seen_from = session.client;
    s.last_seen_at = session.now;
    s.expires_at = session.expires_at;
    RefreshToken& t = out.token;
    t.id = id_or_new(session.first_token.id);
    t.session_id = s.id;
    t.jti = session.first_token.jti;
    t.token_hash = session.first_token.token_hash;
    t.status = RefreshTokenStatus::kActive;
    t.created_at = session.now;
    t.expires_at = session.first_token.expires_at;
    if (driver_->one_trip_writes()) {
      auto one = create_session_in_one_trip(*driver_, out, session);
      if (!one) return one.error();
      return out;
    }
    auto r = driver_->run(TxKind::kWrite, [&](SqlSession& db) -> Result<void> {
      auto a = db.exec(
          Stmt::kInsertSession,
          {param(s.id), param(s.user_id), param(session.now), param(session.client.user_agent),
           param(session.client.ip_address), param(session.expires_at)});
      if (!a) return a.error();
      auto b = db.exec(Stmt::kInsertToken,
                       {param(t.id), param(t.session_id), param(t.jti), param(t.token_hash),
                        param(t.created_at), param(t.expires_at), SqlParam()});
      if (!b) return b.error();
      return {};
    });
    if (!r) return r.error();
    return out;
  });
}

Result<std::optional<Session>> SqlStore::find_session(std::string_view session_id) {
  return guarded([&]() -> Result<std::optional<Session>> {
    return first_row(driver_->read(Stmt::kFindSession, {param(session_id)}), &session_from_row);
  });
}

Result<std::optional<SessionWithUser>> SqlStore::find_session_with_user(
    std::string_view session_id) {
  return guarded([&]() -> Result<std::optional<SessionWithUser>> {
    return first_row(driver_->read(Stmt::kFindSessionWithUser, {param(session_id)}),
                     &session_with_user_from_row);
  });
}

Result<std::optional<Session>> SqlStore::find_session_for_user(UserId user_id,
                                                               std::string_view session_id) {
  return guarded([&]() -> Result<std::optional<Session>> {
    return first_row(driver_->read(Stmt::kFindSessionForUser, {param(session_id), param(user_id)}),
                     &session_from_row);
  });
}

Result<std::vector<Session>> SqlStore::list_sessions(UserId user_id) {
  return guarded([&]() -> Result<std::vector<Session>> {
    return all_rows(driver_->read(Stmt::kListSessions, {param(user_id)}), &session_from_row);
  });
}

Result<std::optional<RefreshToken>> SqlStore::find_refresh_token(std::string_view jti) {
  return guarded([&]() -> Result<std::optional<RefreshToken>> {
    return first_row(driver_->read(Stmt::kFindTokenByJti, {param(jti)}), &token_from_row);
  });
}

Result<std::vector<RefreshToken>> SqlStore::list_refresh_tokens(std::string_view session_id) {
  return guarded([&]() -> Result<std::vector<RefreshToken>> {
    return all_rows(driver_->read(Stmt::kListTokens, {param(session_id)}), &token_from_row);
  });
}

Result<RotateResult> SqlStore::rotate_refresh_token(const RotateRequest& request) {
  return guarded([&]() -> Result<RotateResult> {
    if (has_nul(request.client.user_agent)) return invalid_text("user_agent");
    if (has_nul(request.client.ip_address)) return invalid_text("ip_address");
    const std::string child_id = id_or_new(request.child.id);
    if (driver_->one_trip_writes()) return rotate_in_one_trip(*driver_, request, child_id);
    RotateResult out;
    auto r = driver_->run(TxKind::kWrite, [&](SqlSession& s) -> Result<void> {
      out = RotateResult{};
      auto token = first_row(s.exec(Stmt::kFindTokenByJti, {param(request.jti)}), &token_from_row);
      if (!token) return token.error();
      std::optional<Session> session;
      std::optional<RefreshToken> child;
      if (*token && (*token)->session_id == request.session_id) {
        auto locked =
            first_row(s.exec(Stmt::kLockSession, {param((*token)->session_id)}), &session_from_row);
        if (!locked) return locked.error();
        session = std::move(*locked);
        if (session) {
          auto user =
              first_row(s.exec(Stmt::kFindUserById, {param(session->user_id)}), &user_from_row);
          if (!user) return user.error();
          out.user = std::move(*user);
        }
        // Re-read under the session's lock: every token change happens under it, so what we
        // decide on now stays true until commit.
        auto again =
            first_row(s.exec(Stmt::kFindTokenById, {param((*token)->id)}), &token_from_row);
        if (!again) return again.error();
        *token = std::move(*again);
        if (*token && within_grace(**token, request)) {
          auto c = first_row(s.exec(Stmt::kFindTokenById, {param(*(*token)->replaced_by_token_id)}),
                             &token_from_row);
          if (!c) return c.error();
          child = std::move(*c);
        }
      }
      out.outcome = decide_rotation(*token, session, child, request);
      out.token = *token;
      out.session = session;
      if (out.outcome == RotateOutcome::kGraceReuse) {
        out.child = child;
      } else if (out.outcome == RotateOutcome::kRotated) {
        RefreshToken next;
        next.id = child_id;
        next.session_id = request.session_id;
        next.jti = request.child.jti;
        next.token_hash = request.child.token_hash;
        next.status = RefreshTokenStatus::kActive;
        next.created_at = request.now;
        next.expires_at = request.child.expires_at;
        next.parent_token_id = out.token->id;
        auto ins =
            s.exec(Stmt::kInsertToken,
                   {param(next.id), param(next.session_id), param(next.jti), param(next.token_hash),
                    param(next.created_at), param(next.expires_at), param(out.token->id)});
        if (!ins) return ins.error();
        auto used = s.exec(Stmt::kMarkTokenUsed,
                           {param(out.token->id), param(request.now), param(next.id)});
        if (!used) return used.error();
        if (used->affected != 1) {
          return Error(ErrorCode::kInternalServerError, "storage: parent changed under lock");
        }
        out.token->status = RefreshTokenStatus::kUsed;
        out.token->used_at = request.now;
        out.token->replaced_by_token_id = next.id;
        out.child = std::move(next);
      } else if (is_replay(out.outcome)) {
        auto done = compromise_locked(s, request.session_id, out.token->id, request.now);
        if (!done) return done.error();
        record_compromise(out, *done, request.now);
        return {};
      } else {
        return {};  // nothing written
      }
      auto touched =
          first_row(s.exec(Stmt::kTouchSession,
                           {param(request.session_id), param(request.now),
                            param(request.client.user_agent), param(request.client.ip_address)}),
                    &session_from_row);
      if (!touched) return touched.error();
      if (!*touched) return Error(ErrorCode::kInternalServerError, "storage: session vanished");
      out.session = std::move(*touched);
      return {};
    });
    if (!r) return r.error();
    return out;
  });
}

Result<CompromiseResult> SqlStore::compromise_session(std::string_view session_id,
                                                      std::string_view token_id, TimePoint now) {
  return guarded([&]() -> Result<CompromiseResult> {
    if (driver_->one_trip_writes()) {
      return compromise_in_one_trip(*driver_, session_id, token_id, now);
    }
    CompromiseResult out;
    auto r = driver_->run(TxKind::kWrite, [&](SqlSession& s) -> Result<void> {
      out = CompromiseResult{};
      auto lock = s.exec(Stmt::kLockSession, {param(session_id)});
      if (!lock) return lock.error();
      auto done = compromise_locked(s, session_id, token_id, now);
      if (!done) return done.error();
      out = *done;
      return {};
    });
    if (!r) return r.error();
    return out;
  });
}

Result<bool> SqlStore::revoke_session(UserId user_id, std::string_view session_id, TimePoint now) {
  return guarded([&]() -> Result<bool> {
    if (driver_->one_trip_writes()) {
      return revoke_session_in_one_trip(*driver_, user_id, session_id, now);
    }
    bool changed = false;
    auto r = driver_->run(TxKind::kWrite, [&](SqlSession& s) -> Result<void> {
      changed = false;
      auto session = first_row(s.exec(Stmt::kLockSession, {param(session_id)}), &session_from_row);
      if (!session) return session.error();
      if (!*session || (*session)->user_id != user_id) {
        return Error(ErrorCode::kSessionNotFound).with_status(404);
      }
      auto a = s.exec(Stmt::kRevokeSession,
                      {param(session_id), param(now), param(revoke_reason::kUserRevokedSession)});
      if (!a) return a.error();
      auto b = s.exec(Stmt::kRevokeActiveTokens, {param(session_id), param(now)});
      if (!b) return b.error();
      changed = a->affected > 0 || b->affected > 0;
      return {};
    });
    if (!r) return r.error();
    return changed;
  });
}

Result<RevokeByTokenResult> SqlStore::revoke_session_by_token(const RevokeByTokenRequest& request) {
  return guarded([&]() -> Result<RevokeByTokenResult> {
    if (driver_->one_trip_writes()) return revoke_by_token_in_one_trip(*driver_, request);
    RevokeByTokenResult out;
    auto r = driver_->run(TxKind::kWrite, [&](SqlSession& s) -> Result<void> {
      out = RevokeByTokenResult{};
      auto token = first_row(s.exec(Stmt::kFindTokenByJti, {param(request.jti)}), &token_from_row);
      if (!token) return token.error();
      if (*token && (*token)->session_id == request.session_id) {
        auto session =
            first_row(s.exec(Stmt::kLockSession, {param(request.session_id)}), &session_from_row);
        if (!session) return session.error();
        out.session = std::move(*session);
        auto again =
            first_row(s.exec(Stmt::kFindTokenById, {param((*token)->id)}), &token_from_row);
        if (!again) return again.error();
        *token = std::move(*again);
      }
      out.outcome = decide_revoke_by_token(*token, request);
      out.token = *token;
      if (out.outcome != RevokeByTokenOutcome::kRevoked) return {};
      auto a = s.exec(Stmt::kRevokeSession, {param(request.session_id), param(request.now),
                                             param(revoke_reason::kUserRevokedCurrentSession)});
      if (!a) return a.error();
      auto b = s.exec(Stmt::kRevokeActiveTokens, {param(request.session_id), param(request.now)});
      if (!b) return b.error();
      auto session =
          first_row(s.exec(Stmt::kFindSession, {param(request.session_id)}), &session_from_row);
      if (!session) return session.error();
      out.session = std::move(*session);
      auto again = first_row(s.exec(Stmt::kFindTokenById, {param(out.token->id)}), &token_from_row);
      if (!again) return again.error();
      out.token = std::move(*again);
      return {};
    });
    if (!r) return r.error();
    return out;
  });
}

Result<std::int64_t> SqlStore::revoke_all_sessions(UserId user_id, TimePoint now) {
  return guarded([&]() -> Result<std::int64_t> {
    if (driver_->one_trip_writes()) return revoke_all_in_one_trip(*driver_, user_id, now);
    std::int64_t revoked = 0;
    auto r = driver_->run(TxKind::kWrite, [&](SqlSession& s) -> Result<void> {
      revoked = 0;
      auto lock = s.exec(Stmt::kLockActiveSessionsOfUser, {param(user_id)});
      if (!lock) return lock.error();
      auto a = s.exec(Stmt::kRevokeSessionsOfUser,
                      {param(user_id), param(now), param(revoke_reason::kUserRevokedAllSessions)});
      if (!a) return a.error();
      auto b = s.exec(Stmt::kRevokeTokensOfEndedSessionsOfUser, {param(user_id), param(now)});
      if (!b) return b.error();
      revoked = a->affected;
      return {};
    });
    if (!r) return r.error();
    return revoked;
  });
}

Result<PurgeResult> SqlStore::purge(TimePoint now, Duration retention) {
  return guarded([&]() -> Result<PurgeResult> {
    PurgeResult out;
    const TimePoint cutoff = now - retention;
    auto r = driver_->run(TxKind::kWrite, [&](SqlSession& s) -> Result<void> {
      out = PurgeResult{};
      auto a = s.exec(Stmt::kPurgeSessions, {param(cutoff)});
      if (!a) return a.error();
      auto b = s.exec(Stmt::kPurgeTokens, {param(cutoff)});
      if (!b) return b.error();
      out.sessions_deleted = a->affected;
      out.tokens_deleted = b->affected;
      return {};
    });
    if (!r) return r.error();
    return out;
  });
}

}  // namespace storage
}  // namespace v1
}  // namespace authkit
