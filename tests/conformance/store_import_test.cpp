// StoreImporter on every backend whose database a second connection can share (the importer
// opens its own): ids and values kept, a second import skipping, conflicts and rows the store
// cannot hold refused with their reason and with what depends on them.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cctype>
#include <string>

#include "backends.hpp"
#include "store_helpers.hpp"

using namespace authkit_test;
using authkit::ImportBatch;
using authkit::ImportedKind;
using authkit::ImportReport;
using authkit::RefreshToken;
using authkit::RefreshTokenStatus;
using authkit::Session;
using authkit::SessionStatus;
using authkit::User;

#if defined(AUTHKIT_TEST_POSTGRES)
#define IMPORT_TEST(name) TEMPLATE_TEST_CASE(name, "[import]", authkit_test::Postgres)
#else
#define IMPORT_TEST(name) TEMPLATE_TEST_CASE(name, "[import]", authkit_test::SqliteFile)
#endif

namespace {

const std::string kBcrypt = "$2b$10$FBmcU8xQ.0v0fO1WyZMtZOzgUw.foAvWeS2JveE/uaYTIOuTeDCdG";

User imported_user(authkit::UserId id, const std::string& email) {
  User u;
  u.id = id;
  u.name = "Imported " + std::to_string(id);
  u.email = email;
  u.password_hash = kBcrypt;
  u.created_at = kT0;
  u.updated_at = kT0 + 1500ms;
  return u;
}

Session imported_session(const std::string& id, authkit::UserId user) {
  Session s;
  s.id = id;
  s.user_id = user;
  s.status = SessionStatus::kRevoked;
  s.created_at = kT0 + 1ms;
  s.updated_at = kT0 + 9ms;
  s.last_seen_at = kT0 + 8ms;
  s.last_seen_from = {"curl/8.0", "203.0.113.7"};
  s.revoked_at = kT0 + 9ms;
  s.revoke_reason = std::string(authkit::revoke_reason::kUserRevokedSession);
  return s;
}

RefreshToken imported_token(const std::string& id, const std::string& session) {
  RefreshToken t;
  t.id = id;
  t.session_id = session;
  t.jti = "jti-" + id;
  t.token_hash = authkit::crypto::sha256_hex("token " + id);
  t.status = RefreshTokenStatus::kActive;
  t.created_at = kT0 + 2ms;
  t.expires_at = kT0 + 604800s;
  return t;
}

template <class Backend>
ImportReport import_or_fail(Backend& backend, const ImportBatch& batch) {
  auto importer = AK_OK(authkit::open_store_importer(backend.url()));
  return AK_OK(importer->import_batch(batch));
}

// The reason given for the refused row `id` of `kind`; empty when it was not refused.
std::string refusal(const ImportReport& report, ImportedKind kind, const std::string& id) {
  for (const auto& r : report.refusals) {
    if (r.kind == kind && r.id == id) return r.reason;
  }
  return {};
}

// A batch of one user, one used session chain of two tokens and its session.
ImportBatch chain_batch() {
  ImportBatch batch;
  batch.users.push_back(imported_user(41, "kept@test.dev"));
  batch.sessions.push_back(imported_session("s-41", 41));
  batch.sessions.back().created_from = {"agent/0", "198.51.100.1"};
  auto used = imported_token("t-1", "s-41");
  used.status = RefreshTokenStatus::kUsed;
  used.used_at = kT0 + 5ms;
  used.replaced_by_token_id = "t-2";
  auto revoked = imported_token("t-2", "s-41");
  revoked.status = RefreshTokenStatus::kRevoked;
  revoked.created_at = kT0 + 5ms;
  revoked.revoked_at = kT0 + 9ms;
  revoked.parent_token_id = "t-1";
  // Children first: the links are checked when the whole batch is in.
  batch.tokens = {revoked, used};
  return batch;
}

}  // namespace

IMPORT_TEST("import: rows keep their ids and every value, and a second import skips them") {
  TestType backend;
  auto store = backend.open();
  const ImportBatch batch = chain_batch();

  const auto first = import_or_fail(backend, batch);
  CHECK(first.users.copied == 1);
  CHECK(first.sessions.copied == 1);
  CHECK(first.tokens.copied == 2);
  CHECK(first.refusals.empty());

  const auto user = AK_OK(store->find_user_by_id(41));
  REQUIRE(user.has_value());
  CHECK(user->email == "kept@test.dev");
  CHECK(user->password_hash == kBcrypt);
  CHECK(user->created_at == kT0);
  CHECK(user->updated_at == kT0 + 1500ms);

  const auto session = AK_OK(store->find_session("s-41"));
  REQUIRE(session.has_value());
  const Session& expected = batch.sessions.front();
  CHECK(session->user_id == 41);
  CHECK(session->status == SessionStatus::kRevoked);
  CHECK(session->created_at == expected.created_at);
  CHECK(session->updated_at == expected.updated_at);
  CHECK(session->created_from.user_agent == expected.created_from.user_agent);
  CHECK(session->created_from.ip_address == expected.created_from.ip_address);
  CHECK(session->last_seen_at == expected.last_seen_at);
  CHECK(session->last_seen_from.user_agent == expected.last_seen_from.user_agent);
  CHECK(session->last_seen_from.ip_address == expected.last_seen_from.ip_address);
  CHECK(session->revoked_at == expected.revoked_at);
  CHECK(session->revoke_reason == expected.revoke_reason);
  CHECK_FALSE(session->compromised_at.has_value());
  CHECK_FALSE(session->expires_at.has_value());

  const auto tokens = AK_OK(store->list_refresh_tokens("s-41"));
  REQUIRE(tokens.size() == 2);
  const auto& used = tokens[0].id == "t-1" ? tokens[0] : tokens[1];
  const auto& child = tokens[0].id == "t-1" ? tokens[1] : tokens[0];
  CHECK(used.status == RefreshTokenStatus::kUsed);
  CHECK(used.jti == "jti-t-1");
  CHECK(used.token_hash == authkit::crypto::sha256_hex("token t-1"));
  CHECK(used.used_at == kT0 + 5ms);
  CHECK(used.replaced_by_token_id == std::optional<std::string>("t-2"));
  CHECK(child.parent_token_id == std::optional<std::string>("t-1"));
  CHECK(child.revoked_at == kT0 + 9ms);
  CHECK(child.expires_at == kT0 + 604800s);

  const auto second = import_or_fail(backend, batch);
  CHECK(second.users.copied == 0);
  CHECK(second.users.skipped == 1);
  CHECK(second.sessions.skipped == 1);
  CHECK(second.tokens.skipped == 2);
  CHECK(second.refusals.empty());
}

IMPORT_TEST("import: users registered afterwards get ids past the imported ones") {
  TestType backend;
  auto store = backend.open();
  ImportBatch batch;
  batch.users.push_back(imported_user(1000, "high@test.dev"));
  CHECK(import_or_fail(backend, batch).users.copied == 1);
  const auto later = make_user(*store, "later@test.dev");
  CHECK(later.id > 1000);
}

IMPORT_TEST("import: reserved user ids are never handed out, and reserving never goes back") {
  TestType backend;
  auto store = backend.open();
  auto importer = AK_OK(authkit::open_store_importer(backend.url()));
  require_ok(importer->reserve_user_ids(5000), "reserve 5000");  // before any user at all
  const auto first = make_user(*store, "first@test.dev");
  CHECK(first.id > 5000);
  require_ok(importer->reserve_user_ids(10), "reserve 10");  // below what was handed out
  const auto second = make_user(*store, "second@test.dev");
  CHECK(second.id > first.id);
  ImportBatch batch;
  batch.users.push_back(imported_user(7, "low@test.dev"));  // an old id, below them all
  CHECK(AK_OK(importer->import_batch(batch)).users.copied == 1);
  CHECK(make_user(*store, "third@test.dev").id > second.id);
}

IMPORT_TEST("import: a link to a token of no session or of another session is dropped") {
  TestType backend;
  auto store = backend.open();
  ImportBatch batch;
  batch.users.push_back(imported_user(7, "links@test.dev"));
  batch.sessions.push_back(imported_session("s-7", 7));
  auto orphan = imported_token("t-orphan", "s-7");
  orphan.parent_token_id = "deleted-long-ago";
  orphan.replaced_by_token_id = "never-there";
  batch.tokens.push_back(orphan);

  CHECK(import_or_fail(backend, batch).tokens.copied == 1);
  const auto stored = AK_OK(store->find_refresh_token("jti-t-orphan"));
  REQUIRE(stored.has_value());
  CHECK_FALSE(stored->parent_token_id.has_value());
  CHECK_FALSE(stored->replaced_by_token_id.has_value());
  // Compared as it was stored: a second import skips it rather than refusing it.
  CHECK(import_or_fail(backend, batch).tokens.skipped == 1);

  // A link into another session is dropped too, whichever of the two came first: the later
  // batch's link does not reappear on a second run.
  ImportBatch other;
  other.sessions.push_back(imported_session("s-7b", 7));
  auto crossing = imported_token("t-crossing", "s-7b");
  crossing.parent_token_id = "t-orphan";
  other.tokens.push_back(crossing);
  CHECK(import_or_fail(backend, other).tokens.copied == 1);
  CHECK_FALSE(AK_OK(store->find_refresh_token("jti-t-crossing"))->parent_token_id.has_value());
  CHECK(import_or_fail(backend, other).tokens.skipped == 1);

  // A link whose target came in a later batch: stored without it, and later compared as stored
  // (skipped), never refused nor overwritten.
  ImportBatch early;
  auto waiting = imported_token("t-early", "s-7");
  waiting.replaced_by_token_id = "t-late";
  early.tokens.push_back(waiting);
  ImportBatch late;
  auto arriving = imported_token("t-late", "s-7");
  arriving.parent_token_id = "t-early";
  late.tokens.push_back(arriving);
  CHECK(import_or_fail(backend, early).tokens.copied == 1);
  CHECK(import_or_fail(backend, late).tokens.copied == 1);
  const auto again = import_or_fail(backend, early);
  CHECK(again.tokens.skipped == 1);
  CHECK(again.refusals.empty());
  CHECK_FALSE(AK_OK(store->find_refresh_token("jti-t-early"))->replaced_by_token_id.has_value());
  CHECK(AK_OK(store->find_refresh_token("jti-t-late"))->parent_token_id ==
        std::optional<std::string>("t-early"));
}

IMPORT_TEST("import: conflicts with the store are refused with their reason and dependants") {
  TestType backend;
  auto store = backend.open();
  const auto owner = make_user_session(*store, "taken@test.dev");
  const auto& held = owner.created.token;

  ImportBatch batch;
  batch.users.push_back(imported_user(50, "taken@test.dev"));  // e-mail of another user
  batch.sessions.push_back(imported_session("s-50", 50));
  batch.tokens.push_back(imported_token("t-50", "s-50"));
  batch.users.push_back(imported_user(51, "free@test.dev"));
  batch.sessions.push_back(imported_session("s-51", 51));
  auto same_jti = imported_token("t-jti", "s-51");
  same_jti.jti = held.jti;
  auto same_hash = imported_token("t-hash", "s-51");
  same_hash.token_hash = held.token_hash;
  batch.tokens.push_back(same_jti);
  batch.tokens.push_back(same_hash);
  batch.tokens.push_back(imported_token("t-ok", "s-51"));

  const auto report = import_or_fail(backend, batch);
  const auto owner_id = std::to_string(owner.user.id);
  CHECK(refusal(report, ImportedKind::kUser, "50") ==
        "its email already belongs to user " + owner_id);
  CHECK(refusal(report, ImportedKind::kSession, "s-50") == "its user 50 was refused");
  CHECK(refusal(report, ImportedKind::kToken, "t-50") == "its session s-50 was refused");
  CHECK(refusal(report, ImportedKind::kToken, "t-jti") ==
        "its jti already belongs to token " + held.id);
  CHECK(refusal(report, ImportedKind::kToken, "t-hash") ==
        "its hash already belongs to token " + held.id);
  CHECK(report.users.copied == 1);
  CHECK(report.users.refused == 1);
  CHECK(report.sessions.copied == 1);
  CHECK(report.tokens.copied == 1);
  CHECK(report.tokens.refused == 3);
  for (const auto& r : report.refusals) {  // ids only, never a value of the row
    CHECK(r.reason.find("taken@test.dev") == std::string::npos);
    CHECK(r.reason.find(held.token_hash) == std::string::npos);
  }
  CHECK_FALSE(AK_OK(store->find_user_by_id(50)).has_value());
  CHECK(AK_OK(store->find_refresh_token("jti-t-ok")).has_value());

  // A row copied before and changed since is refused, naming the column.
  auto renamed = batch.users[1];
  renamed.name = "Renamed";
  auto rotated = imported_token("t-ok", "s-51");
  rotated.status = RefreshTokenStatus::kUsed;
  ImportBatch changed;
  changed.users.push_back(renamed);
  changed.sessions.push_back(batch.sessions[1]);  // unchanged, of the refused user
  changed.tokens.push_back(rotated);
  const auto again = import_or_fail(backend, changed);
  CHECK(refusal(again, ImportedKind::kUser, "51").find("another name") != std::string::npos);
  CHECK(again.sessions.skipped == 1);  // already there as it is: not refused with its user
  CHECK(refusal(again, ImportedKind::kSession, "s-51").empty());
  CHECK(refusal(again, ImportedKind::kToken, "t-ok").find("another status") != std::string::npos);
  CHECK(AK_OK(store->find_refresh_token("jti-t-ok"))->status == RefreshTokenStatus::kActive);
}

IMPORT_TEST("import: rows the store cannot hold are refused and the rest is copied") {
  TestType backend;
  auto store = backend.open();
  ImportBatch batch;
  auto bad_name = imported_user(60, "bad-name@test.dev");
  bad_name.name = std::string("caf\xC3", 4);  // a UTF-8 sequence cut short
  auto nul_email = imported_user(61, std::string("nul\0@test.dev", 13));
  batch.users = {bad_name, nul_email, imported_user(62, "fine@test.dev"),
                 imported_user(62, "twice@test.dev"), imported_user(63, "fine@test.dev")};
  auto odd_reason = imported_session("s-odd", 62);
  odd_reason.revoke_reason = "ADMIN_SAID_SO";
  batch.sessions = {odd_reason, imported_session("s-nobody", 999), imported_session("s-62", 62),
                    imported_session("s-63", 63)};
  auto bad_hash = imported_token("t-upper", "s-62");
  bad_hash.token_hash = authkit::crypto::sha256_hex("x");
  std::transform(bad_hash.token_hash.begin(), bad_hash.token_hash.end(),
                 bad_hash.token_hash.begin(), [](unsigned char c) { return std::toupper(c); });
  auto nul_jti = imported_token("t-nul", "s-62");
  nul_jti.jti = std::string("j\0ti", 4);
  batch.tokens = {bad_hash, nul_jti, imported_token("t-lost", "s-missing"),
                  imported_token("t-62", "s-62")};

  const auto report = import_or_fail(backend, batch);
  CHECK_FALSE(refusal(report, ImportedKind::kUser, "60").empty());
  CHECK_FALSE(refusal(report, ImportedKind::kUser, "61").empty());
  CHECK(refusal(report, ImportedKind::kUser, "62") == "the import holds this id twice");
  CHECK(refusal(report, ImportedKind::kUser, "63") ==
        "its email is another user's of the import too");
  CHECK(refusal(report, ImportedKind::kSession, "s-63") == "its user 63 was refused");
  CHECK(refusal(report, ImportedKind::kSession, "s-odd") ==
        "its revoke reason is not one libauthkit knows");
  CHECK(refusal(report, ImportedKind::kSession, "s-nobody") ==
        "its user 999 is in neither the import nor the store");
  CHECK(refusal(report, ImportedKind::kToken, "t-upper") ==
        "its token hash is not 64 lowercase hex digits");
  CHECK_FALSE(refusal(report, ImportedKind::kToken, "t-nul").empty());
  CHECK(refusal(report, ImportedKind::kToken, "t-lost") ==
        "its session s-missing is in neither the import nor the store");
  CHECK(report.users.copied == 1);
  CHECK(report.sessions.copied == 1);
  CHECK(report.tokens.copied == 1);
  CHECK(AK_OK(store->find_user_by_id(62))->email == "fine@test.dev");
  CHECK(AK_OK(store->find_refresh_token("jti-t-62")).has_value());
}
