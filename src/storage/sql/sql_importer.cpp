// The import of rows kept from elsewhere: each batch is checked against what the store holds
// (one lookup per kind of row), then what is new is inserted (one statement per kind of row).
#include "storage/sql/sql_importer.hpp"

#include <algorithm>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include "base/catch_all.hpp"
#include "base/text.hpp"
#include "js/js_string.hpp"
#include "storage/sql/row_mapping.hpp"

namespace authkit {
inline namespace v1 {
namespace storage {
namespace {

// Text the store can hold: UTF-8 (the JSON the rows travel in) without NUL (PostgreSQL's text).
bool storable(std::string_view text) {
  return text.find('\0') == std::string_view::npos && detail::is_valid_utf8(text);
}
bool storable(const std::string& text) { return storable(std::string_view(text)); }
bool storable(const std::optional<std::string>& text) { return !text || storable(*text); }

bool is_token_hash(std::string_view hash) {
  if (hash.size() != 64) return false;
  for (const char c : hash) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

bool is_revoke_reason(const std::optional<std::string>& reason) {
  return !reason || *reason == revoke_reason::kUserRevokedCurrentSession ||
         *reason == revoke_reason::kUserRevokedSession ||
         *reason == revoke_reason::kUserRevokedAllSessions;
}

// Why a row cannot be stored as it is; empty when it can. Names the field, never its value.
std::string unstorable(const User& u) {
  if (!storable(u.name) || !storable(u.email) || !storable(u.password_hash)) {
    return "its name, email or password hash is not UTF-8 text without NUL";
  }
  if (u.email.empty()) return "its email is empty";
  return {};
}

std::string unstorable(const Session& s) {
  if (s.id.empty() || !storable(s.id)) return "its id is empty or not UTF-8 text without NUL";
  if (!storable(s.created_from.user_agent) || !storable(s.created_from.ip_address) ||
      !storable(s.last_seen_from.user_agent) || !storable(s.last_seen_from.ip_address)) {
    return "its user agent or IP address is not UTF-8 text without NUL";
  }
  if (!is_revoke_reason(s.revoke_reason)) return "its revoke reason is not one libauthkit knows";
  return {};
}

std::string unstorable(const RefreshToken& t) {
  if (t.id.empty() || !storable(t.id) || t.jti.empty() || !storable(t.jti) ||
      !storable(t.session_id) || !storable(t.parent_token_id) ||
      !storable(t.replaced_by_token_id)) {
    return "its id, jti, session or a link is empty or not UTF-8 text without NUL";
  }
  if (!is_token_hash(t.token_hash)) return "its token hash is not 64 lowercase hex digits";
  return {};
}

// The first column in which a stored row differs from the imported one; empty when none does.
std::string_view difference(const User& stored, const User& imported) {
  if (stored.name != imported.name) return "name";
  if (stored.email != imported.email) return "email";
  if (stored.password_hash != imported.password_hash) return "password_hash";
  if (stored.created_at != imported.created_at) return "created_at";
  if (stored.updated_at != imported.updated_at) return "updated_at";
  return {};
}

std::string_view difference(const Session& stored, const Session& imported) {
  if (stored.user_id != imported.user_id) return "user_id";
  if (stored.status != imported.status) return "status";
  if (stored.created_at != imported.created_at) return "created_at";
  if (stored.updated_at != imported.updated_at) return "updated_at";
  if (stored.created_from.user_agent != imported.created_from.user_agent) {
    return "created_user_agent";
  }
  if (stored.created_from.ip_address != imported.created_from.ip_address) {
    return "created_ip_address";
  }
  if (stored.last_seen_at != imported.last_seen_at) return "last_seen_at";
  if (stored.last_seen_from.user_agent != imported.last_seen_from.user_agent) return "user_agent";
  if (stored.last_seen_from.ip_address != imported.last_seen_from.ip_address) return "ip_address";
  if (stored.expires_at != imported.expires_at) return "expires_at";
  if (stored.revoked_at != imported.revoked_at) return "revoked_at";
  if (stored.revoke_reason != imported.revoke_reason) return "revoke_reason";
  if (stored.compromised_at != imported.compromised_at) return "compromised_at";
  return {};
}

std::string_view difference(const RefreshToken& stored, const RefreshToken& imported) {
  if (stored.session_id != imported.session_id) return "session_id";
  if (stored.jti != imported.jti) return "jti";
  if (stored.token_hash != imported.token_hash) return "token_hash";
  if (stored.status != imported.status) return "status";
  if (stored.created_at != imported.created_at) return "created_at";
  if (stored.expires_at != imported.expires_at) return "expires_at";
  if (stored.used_at != imported.used_at) return "used_at";
  if (stored.revoked_at != imported.revoked_at) return "revoked_at";
  if (stored.parent_token_id != imported.parent_token_id) return "parent_token_id";
  if (stored.replaced_by_token_id != imported.replaced_by_token_id) {
    return "replaced_by_token_id";
  }
  return {};
}

std::string differs(std::string_view column) {
  return "the store holds this id with another " + std::string(column) +
         " (changed since it was copied, or another row)";
}

// A JSON array of objects, one per row, members named as the columns (times in ms).
class JsonRows {
 public:
  void begin_row() {
    out_ += out_.size() == 1 ? "{" : ",{";
    first_member_ = true;
  }
  void end_row() { out_ += '}'; }
  void member(std::string_view name, std::int64_t value) {
    key(name);
    out_ += std::to_string(value);
  }
  void member(std::string_view name, std::string_view value) {
    key(name);
    out_ += text::json_quote(value);
  }
  void member(std::string_view name, const std::string& value) {
    member(name, std::string_view(value));
  }
  void member(std::string_view name, const std::optional<std::string>& value) {
    if (value) return member(name, std::string_view(*value));
    key(name);
    out_ += "null";
  }
  void member(std::string_view name, TimePoint value) {
    member(name, std::int64_t{value.time_since_epoch().count()});
  }
  void member(std::string_view name, const std::optional<TimePoint>& value) {
    if (value) return member(name, *value);
    key(name);
    out_ += "null";
  }
  std::string finish() && { return std::move(out_) + ']'; }

 private:
  void key(std::string_view name) {
    if (!first_member_) out_ += ',';
    first_member_ = false;
    out_ += '"';
    out_ += name;
    out_ += "\":";
  }
  std::string out_ = "[";
  bool first_member_ = true;
};

// A JSON array of values (the lookups' lists).
template <class Range>
std::string json_list(const Range& values) {
  std::string out = "[";
  for (const auto& v : values) {
    if (out.size() > 1) out += ',';
    if constexpr (std::is_integral_v<std::decay_t<decltype(v)>>) {
      out += std::to_string(v);
    } else {
      out += text::json_quote(v);
    }
  }
  return out + ']';
}

std::string users_json(const std::vector<const User*>& users) {
  JsonRows rows;
  for (const User* u : users) {
    rows.begin_row();
    rows.member("id", u->id);
    rows.member("name", u->name);
    rows.member("email", u->email);
    rows.member("password_hash", u->password_hash);
    rows.member("created_at", u->created_at);
    rows.member("updated_at", u->updated_at);
    rows.end_row();
  }
  return std::move(rows).finish();
}

std::string sessions_json(const std::vector<const Session*>& sessions) {
  JsonRows rows;
  for (const Session* s : sessions) {
    rows.begin_row();
    rows.member("id", s->id);
    rows.member("user_id", s->user_id);
    rows.member("status", to_string(s->status));
    rows.member("created_at", s->created_at);
    rows.member("updated_at", s->updated_at);
    rows.member("created_user_agent", s->created_from.user_agent);
    rows.member("created_ip_address", s->created_from.ip_address);
    rows.member("last_seen_at", s->last_seen_at);
    rows.member("user_agent", s->last_seen_from.user_agent);
    rows.member("ip_address", s->last_seen_from.ip_address);
    rows.member("expires_at", s->expires_at);
    rows.member("revoked_at", s->revoked_at);
    rows.member("revoke_reason", s->revoke_reason);
    rows.member("compromised_at", s->compromised_at);
    rows.end_row();
  }
  return std::move(rows).finish();
}

std::string tokens_json(const std::vector<RefreshToken>& tokens) {
  JsonRows rows;
  for (const RefreshToken& t : tokens) {
    rows.begin_row();
    rows.member("id", t.id);
    rows.member("session_id", t.session_id);
    rows.member("jti", t.jti);
    rows.member("token_hash", t.token_hash);
    rows.member("status", to_string(t.status));
    rows.member("created_at", t.created_at);
    rows.member("expires_at", t.expires_at);
    rows.member("used_at", t.used_at);
    rows.member("revoked_at", t.revoked_at);
    rows.member("parent_token_id", t.parent_token_id);
    rows.member("replaced_by_token_id", t.replaced_by_token_id);
    rows.end_row();
  }
  return std::move(rows).finish();
}

// The stored rows a lookup found, by id.
template <class Row>
Result<std::map<decltype(Row::id), Row>> by_id(Result<SqlResult> found,
                                               Result<Row> (*map)(const SqlRow&)) {
  if (!found) return found.error();
  std::map<decltype(Row::id), Row> out;
  for (const auto& sql_row : found->rows) {
    auto row = map(sql_row);
    if (!row) return row.error();
    auto id = row->id;
    out.emplace(std::move(id), std::move(*row));
  }
  return out;
}

// Ids the store generates from now on are above `last` and above every stored id.
Result<void> advance_user_ids(SqlSession& db, UserId last) {
  auto row = db.exec(Stmt::kImportUserIdsRow, {});
  if (!row) return row.error();
  auto reserved = db.exec(Stmt::kImportReserveUserIds, {param(std::int64_t{last})});
  if (!reserved) return reserved.error();
  return {};
}

// One batch inside its transaction: which rows are new, which are already there, which are
// refused; then the inserts.
class BatchImport {
 public:
  BatchImport(SqlSession& session, const ImportBatch& batch, ImportReport& report)
      : db_(session), batch_(batch), report_(report) {}

  Result<void> run() {
    auto begun = db_.exec(Stmt::kImportSetUp, {});
    if (!begun) return begun.error();
    AUTHKIT_RETURN_IF_ERROR(plan_users());
    AUTHKIT_RETURN_IF_ERROR(plan_sessions());
    AUTHKIT_RETURN_IF_ERROR(plan_tokens());
    return insert();
  }

 private:
  void refuse(ImportedKind kind, std::string id, std::string reason) {
    tally(kind).refused += 1;
    report_.refusals.push_back({kind, std::move(id), std::move(reason)});
  }

  ImportTally& tally(ImportedKind kind) {
    if (kind == ImportedKind::kUser) return report_.users;
    if (kind == ImportedKind::kSession) return report_.sessions;
    return report_.tokens;
  }

  Result<void> plan_users() {
    std::set<UserId> ids;
    std::set<std::string> emails;
    for (const User& u : batch_.users) {
      ids.insert(u.id);
      if (storable(u.email)) emails.insert(u.email);  // the rest is refused unseen
    }
    for (const Session& s : batch_.sessions) ids.insert(s.user_id);
    auto stored =
        by_id(db_.exec(Stmt::kImportFindUsers, {param(json_list(ids)), param(json_list(emails))}),
              &user_from_row);
    if (!stored) return stored.error();
    std::map<std::string, UserId> stored_email;
    for (const auto& [id, u] : *stored) stored_email.emplace(u.email, id);

    std::set<UserId> seen;
    std::set<std::string> seen_emails;
    for (const User& u : batch_.users) {
      const std::string id = std::to_string(u.id);
      if (auto why = unstorable(u); !why.empty()) {
        refuse(ImportedKind::kUser, id, why);
        users_refused_.insert(u.id);
      } else if (!seen.insert(u.id).second) {
        refuse(ImportedKind::kUser, id, "the import holds this id twice");  // the first counts
      } else if (!seen_emails.insert(u.email).second) {
        refuse(ImportedKind::kUser, id, "its email is another user's of the import too");
        users_refused_.insert(u.id);
      } else if (auto it = stored->find(u.id); it != stored->end()) {
        if (const auto column = difference(it->second, u); column.empty()) {
          report_.users.skipped += 1;
        } else {
          refuse(ImportedKind::kUser, id, differs(column));
          users_refused_.insert(u.id);
        }
      } else if (auto holder = stored_email.find(u.email); holder != stored_email.end()) {
        refuse(ImportedKind::kUser, id,
               "its email already belongs to user " + std::to_string(holder->second));
        users_refused_.insert(u.id);
      } else {
        new_users_.push_back(&u);
        users_present_.insert(u.id);
      }
    }
    for (const auto& [id, u] : *stored) users_present_.insert(id);
    return {};
  }

  Result<void> plan_sessions() {
    std::set<std::string> ids;
    for (const Session& s : batch_.sessions) {
      if (storable(s.id)) ids.insert(s.id);
    }
    for (const RefreshToken& t : batch_.tokens) {
      if (storable(t.session_id)) ids.insert(t.session_id);
    }
    auto stored =
        by_id(db_.exec(Stmt::kImportFindSessions, {param(json_list(ids))}), &session_from_row);
    if (!stored) return stored.error();

    std::set<std::string> seen;
    for (const Session& s : batch_.sessions) {
      const std::string user = std::to_string(s.user_id);
      if (auto why = unstorable(s); !why.empty()) {
        refuse(ImportedKind::kSession, s.id, why);
        sessions_refused_.insert(s.id);
      } else if (!seen.insert(s.id).second) {
        refuse(ImportedKind::kSession, s.id, "the import holds this id twice");
      } else if (auto it = stored->find(s.id); it != stored->end()) {
        // Already there as it is: skipped, whatever became of its user's row.
        if (const auto column = difference(it->second, s); column.empty()) {
          report_.sessions.skipped += 1;
        } else {
          refuse(ImportedKind::kSession, s.id, differs(column));
          sessions_refused_.insert(s.id);
        }
      } else if (users_refused_.count(s.user_id) != 0) {
        refuse(ImportedKind::kSession, s.id, "its user " + user + " was refused");
        sessions_refused_.insert(s.id);
      } else if (users_present_.count(s.user_id) == 0) {
        refuse(ImportedKind::kSession, s.id,
               "its user " + user + " is in neither the import nor the store");
        sessions_refused_.insert(s.id);
      } else {
        new_sessions_.push_back(&s);
        sessions_present_.insert(s.id);
      }
    }
    for (const auto& [id, s] : *stored) {
      if (sessions_refused_.count(id) == 0) sessions_present_.insert(id);
    }
    return {};
  }

  Result<void> plan_tokens() {
    std::set<std::string> ids;
    std::set<std::string> jtis;
    std::set<std::string> hashes;
    std::vector<std::string> unstorable_why;
    unstorable_why.reserve(batch_.tokens.size());
    for (const RefreshToken& t : batch_.tokens) {
      unstorable_why.push_back(unstorable(t));
      if (!unstorable_why.back().empty()) continue;  // refused unseen
      ids.insert(t.id);
      if (t.parent_token_id) ids.insert(*t.parent_token_id);
      if (t.replaced_by_token_id) ids.insert(*t.replaced_by_token_id);
      jtis.insert(t.jti);
      hashes.insert(t.token_hash);
    }
    auto stored =
        by_id(db_.exec(Stmt::kImportFindTokens,
                       {param(json_list(ids)), param(json_list(jtis)), param(json_list(hashes))}),
              &token_from_row);
    if (!stored) return stored.error();
    std::map<std::string, std::string> stored_jti;
    std::map<std::string, std::string> stored_hash;
    for (const auto& [id, t] : *stored) {
      stored_jti.emplace(t.jti, id);
      stored_hash.emplace(t.token_hash, id);
    }

    // First what each token's own values allow; the links wait until every token that will be
    // in the store (a link's target) is known, with its session.
    std::map<std::string, std::string> link_targets;
    for (const auto& [id, t] : *stored) link_targets.emplace(id, t.session_id);
    std::vector<const RefreshToken*> candidates;
    std::set<std::string> seen;
    std::set<std::string> seen_jti;
    std::set<std::string> seen_hash;
    for (std::size_t i = 0; i < batch_.tokens.size(); ++i) {
      const RefreshToken& t = batch_.tokens[i];
      if (!unstorable_why[i].empty()) {
        refuse(ImportedKind::kToken, t.id, unstorable_why[i]);
      } else if (!seen.insert(t.id).second || !seen_jti.insert(t.jti).second ||
                 !seen_hash.insert(t.token_hash).second) {
        refuse(ImportedKind::kToken, t.id, "the import holds this id, its jti or its hash twice");
      } else if (stored->count(t.id) != 0) {
        candidates.push_back(&t);  // compared below: skipped if equal, whatever its session
      } else if (sessions_refused_.count(t.session_id) != 0) {
        refuse(ImportedKind::kToken, t.id, "its session " + t.session_id + " was refused");
      } else if (sessions_present_.count(t.session_id) == 0) {
        refuse(ImportedKind::kToken, t.id,
               "its session " + t.session_id + " is in neither the import nor the store");
      } else if (auto holder = stored_jti.find(t.jti); holder != stored_jti.end()) {
        refuse(ImportedKind::kToken, t.id, "its jti already belongs to token " + holder->second);
      } else if (auto owner = stored_hash.find(t.token_hash); owner != stored_hash.end()) {
        refuse(ImportedKind::kToken, t.id, "its hash already belongs to token " + owner->second);
      } else {
        candidates.push_back(&t);
        link_targets.emplace(t.id, t.session_id);
      }
    }

    // The original has no foreign key on its links: one may name a token long deleted. A chain
    // never leaves its session, so a link is kept only to a token of the same session that is
    // or will be in the store. A token stored without a link its target came too late for
    // (a later batch) is left so: compared as stored, never overwritten.
    const auto keep_link = [&](std::optional<std::string>& link, const std::string& session) {
      if (!link) return;
      const auto target = link_targets.find(*link);
      if (target == link_targets.end() || target->second != session) link.reset();
    };
    for (const RefreshToken* candidate : candidates) {
      RefreshToken t = *candidate;
      keep_link(t.parent_token_id, t.session_id);
      keep_link(t.replaced_by_token_id, t.session_id);
      const auto it = stored->find(t.id);
      if (it != stored->end()) {
        if (!it->second.parent_token_id) t.parent_token_id.reset();
        if (!it->second.replaced_by_token_id) t.replaced_by_token_id.reset();
      }
      if (it == stored->end()) {
        new_tokens_.push_back(std::move(t));
      } else if (const auto column = difference(it->second, t); column.empty()) {
        report_.tokens.skipped += 1;
      } else {
        refuse(ImportedKind::kToken, t.id, differs(column));
      }
    }
    return {};
  }

  Result<void> insert() {
    AUTHKIT_RETURN_IF_ERROR(
        insert_rows(Stmt::kImportUsers, new_users_, users_json(new_users_), report_.users));
    if (!new_users_.empty()) {
      UserId largest = 0;
      for (const User* u : new_users_) largest = std::max(largest, u->id);
      AUTHKIT_RETURN_IF_ERROR(advance_user_ids(db_, largest));
    }
    AUTHKIT_RETURN_IF_ERROR(insert_rows(Stmt::kImportSessions, new_sessions_,
                                        sessions_json(new_sessions_), report_.sessions));
    return insert_rows(Stmt::kImportTokens, new_tokens_, tokens_json(new_tokens_), report_.tokens);
  }

  template <class Rows>
  Result<void> insert_rows(Stmt statement, const Rows& rows, const std::string& json,
                           ImportTally& tally) {
    if (rows.empty()) return {};
    auto inserted = db_.exec(statement, {param(json)});
    if (!inserted) return inserted.error();
    tally.copied = inserted->affected;
    return {};
  }

  SqlSession& db_;
  const ImportBatch& batch_;
  ImportReport& report_;
  std::set<UserId> users_present_;
  std::set<UserId> users_refused_;
  std::set<std::string> sessions_present_;
  std::set<std::string> sessions_refused_;
  std::vector<const User*> new_users_;
  std::vector<const Session*> new_sessions_;
  std::vector<RefreshToken> new_tokens_;
};

}  // namespace

SqlImporter::SqlImporter(std::unique_ptr<SqlDriver> driver) : driver_(std::move(driver)) {}

Result<void> SqlImporter::reserve_user_ids(UserId last) {
  return catch_all(
      [&]() -> Result<void> {
        return driver_->run(TxKind::kWrite, [&](SqlSession& session) -> Result<void> {
          return advance_user_ids(session, last);
        });
      },
      "storage: import: ");
}

Result<ImportReport> SqlImporter::import_batch(const ImportBatch& batch) {
  return catch_all(
      [&]() -> Result<ImportReport> {
        ImportReport report;
        auto done = driver_->run(TxKind::kWrite, [&](SqlSession& session) -> Result<void> {
          report = ImportReport{};  // the driver may run the body again
          return BatchImport(session, batch, report).run();
        });
        if (!done) return done.error();
        return report;
      },
      "storage: import: ");
}

}  // namespace storage
}  // namespace v1
}  // namespace authkit
