// open_store: the URL scheme chooses the backend; anything else is a clear configuration error.
#include <catch2/catch.hpp>

#include "authkit/backends.hpp"
#include "authkit/store.hpp"

using authkit::ErrorCode;

TEST_CASE("open_store: an unknown scheme is INVALID_CONFIGURATION naming the scheme", "[store]") {
  auto r = authkit::open_store("mysql://user:secret@localhost/db");
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().code == ErrorCode::kInvalidConfiguration);
  CHECK(r.error().diagnostic.find("mysql") != std::string::npos);
  CHECK(r.error().diagnostic.find("secret") == std::string::npos);  // never echo credentials
  auto none = authkit::open_store("just-a-path.db");
  REQUIRE_FALSE(none.ok());
  CHECK(none.error().code == ErrorCode::kInvalidConfiguration);
}

TEST_CASE("open_store: sqlite:// without a path is refused", "[store]") {
  auto r = authkit::open_store("sqlite://");
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().code == ErrorCode::kInvalidConfiguration);
}

TEST_CASE("open_store: a SQLite file that cannot be created is SERVICE_UNAVAILABLE", "[store]") {
  auto r = authkit::open_store("sqlite:///nonexistent-directory-authkit/x/db.sqlite");
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().code == ErrorCode::kServiceUnavailable);
}

TEST_CASE("open_store: sqlite::memory: stores are private to each other", "[store]") {
  auto a = authkit::open_store("sqlite::memory:", {.migrate_on_open = true});
  auto b = authkit::open_store("sqlite::memory:", {.migrate_on_open = true});
  REQUIRE((a.ok() && b.ok()));
  CHECK((*a)->backend_name() == "sqlite");
  REQUIRE((*a)->create_user({"A", "a@x.dev", "h", authkit::TimePoint{}}).ok());
  auto found = (*b)->find_user_by_email("a@x.dev");
  REQUIRE(found.ok());
  CHECK_FALSE(found->has_value());
}
