// Conformance of migrate(): fresh, re-applied as a no-op, concurrent, and refused after tampering.
#include <catch2/catch.hpp>

#include <atomic>
#include <thread>
#include <vector>

#include "backends.hpp"
#include "store_helpers.hpp"

using namespace authkit_test;
using authkit::ErrorCode;

namespace {

// migrate() and pending_migrations() both refuse the database, naming `why` in their
// diagnostics; the error of migrate().
authkit::Error refused_naming(authkit::Store& store, const std::string& why) {
  auto r = store.migrate();
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().diagnostic.find(why) != std::string::npos);
  auto pending = store.pending_migrations();
  REQUIRE_FALSE(pending.ok());
  CHECK(pending.error().diagnostic.find(why) != std::string::npos);
  return r.error();
}

// The versions of the migrations the store's backend embeds, oldest first.
std::vector<int> embedded_versions(authkit::Store& store) {
  std::vector<int> versions;
  for (const auto& m : dynamic_cast<authkit::storage::SqlStore&>(store).driver().migrations())
    versions.push_back(m.version);
  return versions;
}

}  // namespace

STORE_TEST("store: migrate applies every migration once, then is a no-op") {
  TestType backend;
  auto store = backend.open({}, /*migrate=*/false);
  // Before migrating there is no schema: operations fail cleanly, without throwing.
  auto early = store->find_user_by_email("x@test.dev");
  REQUIRE_FALSE(early.ok());
  CHECK(early.error().code == ErrorCode::kInternalServerError);
  // pending_migrations() reports what migrate() would apply, and applies nothing itself.
  const std::vector<int> embedded = embedded_versions(*store);
  REQUIRE(embedded.front() == 1);
  CHECK(AK_OK(store->pending_migrations()) == embedded);
  CHECK(AK_OK(store->pending_migrations()) == embedded);
  REQUIRE_FALSE(store->find_user_by_email("x@test.dev").ok());

  auto first = AK_OK(store->migrate());
  CHECK(first.applied == embedded);
  CHECK(first.current_version == embedded.back());
  make_user(*store, "after@test.dev");

  auto again = AK_OK(store->migrate());
  CHECK(again.applied.empty());
  CHECK(again.current_version == embedded.back());
  CHECK(AK_OK(store->find_user_by_email("after@test.dev")).has_value());
  CHECK(AK_OK(store->pending_migrations()).empty());
}

STORE_TEST("store: concurrent migrators apply each migration exactly once") {
  TestType backend;
  auto store = backend.open({}, /*migrate=*/false);
  constexpr int kMigrators = 4;
  std::vector<std::unique_ptr<authkit::Store>> stores;
  for (int i = 0; i < kMigrators; ++i) {
    // Separate stores on one database where the backend allows it (as separate processes).
    stores.push_back(TestType::kShareable ? backend.open({}, false) : nullptr);
  }
  std::atomic<int> applied{0};
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < kMigrators; ++i) {
    threads.emplace_back([&, i] {
      authkit::Store& s =
          stores[static_cast<std::size_t>(i)] ? *stores[static_cast<std::size_t>(i)] : *store;
      auto r = s.migrate();
      if (!r.ok()) {
        ++failures;
        return;
      }
      applied += static_cast<int>(r->applied.size());
    });
  }
  for (auto& t : threads) t.join();
  CHECK(failures == 0);
  CHECK(applied == static_cast<int>(embedded_versions(*store).size()));
  make_user(*store, "ok@test.dev");
}

STORE_TEST("store: a migration changed after it was applied is refused") {
  TestType backend;
  auto store = backend.open();
  require_ok(
      exec_raw(*store, "UPDATE schema_migrations SET checksum = 'tampered' WHERE version = 1"),
      "tamper");
  CHECK(refused_naming(*store, "checksum").code == ErrorCode::kInternalServerError);
}

STORE_TEST("store: a database with a migration unknown to this library is refused") {
  TestType backend;
  auto store = backend.open();
  require_ok(exec_raw(*store,
                      "INSERT INTO schema_migrations (version, name, checksum, applied_at) "
                      "SELECT 9999, 'future', 'x', applied_at FROM schema_migrations "
                      "WHERE version = 1"),
             "insert");
  refused_naming(*store, "9999");
}

STORE_TEST("store: the schema itself enforces statuses and cascades") {
  TestType backend;
  auto store = backend.open();
  auto [user, created] = make_user_session(*store, "schema@test.dev");
  CHECK_FALSE(exec_raw(*store, "UPDATE sessions SET status = 'BOGUS'").ok());
  CHECK_FALSE(exec_raw(*store, "UPDATE refresh_tokens SET status = 'EXPIRED'").ok());
  CHECK_FALSE(exec_raw(*store, "UPDATE sessions SET revoke_reason = 'WHATEVER'").ok());
  CHECK_FALSE(exec_raw(*store, "UPDATE refresh_tokens SET session_id = 'no-such-session'").ok());
  require_ok(exec_raw(*store, "DELETE FROM users"), "delete users");
  CHECK_FALSE(AK_OK(store->find_session(created.session.id)).has_value());
  CHECK_FALSE(AK_OK(store->find_refresh_token(created.token.jti)).has_value());
}
