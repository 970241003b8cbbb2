// Backend fixtures of the store conformance suite: each instance is one isolated, empty database.
#pragma once

#include <catch2/catch.hpp>

#include <cstdlib>
#include <filesystem>
#include <memory>
#include <string>

#include "authkit/backends.hpp"
#include "authkit/crypto.hpp"
#include "authkit/store.hpp"
#include "storage/sql/sql_store.hpp"

#if defined(AUTHKIT_TEST_POSTGRES)
#include <libpq-fe.h>
#endif

namespace authkit_test {

// Opens `url`, failing the test loudly (with the store's diagnostic) when it cannot.
inline std::unique_ptr<authkit::Store> open_or_fail(const std::string& url,
                                                    authkit::StoreOptions options, bool migrate) {
  auto store = authkit::open_store(url, std::move(options));
  if (!store)
    FAIL("open_store failed: " << store.error().message << " / " << store.error().diagnostic);
  if (migrate) {
    auto m = (*store)->migrate();
    if (!m) FAIL("migrate failed: " << m.error().message << " / " << m.error().diagnostic);
  }
  return std::move(*store);
}

// Runs raw SQL on the store's own database (tamper with migrations, break invariants on purpose).
inline authkit::Result<void> exec_raw(authkit::Store& store, const std::string& sql) {
  auto& sql_store = dynamic_cast<authkit::storage::SqlStore&>(store);
  return sql_store.driver().run(
      authkit::storage::TxKind::kWrite,
      [&](authkit::storage::SqlSession& s) { return s.exec_script(sql); });
}

// A SQLite file in a fresh temporary directory, removed afterwards.
class SqliteFile {
 public:
  SqliteFile() {
    std::string tmpl = (std::filesystem::temp_directory_path() / "authkit-store-XXXXXX").string();
    REQUIRE(mkdtemp(tmpl.data()) != nullptr);
    dir_ = tmpl;
  }
  ~SqliteFile() {
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }
  SqliteFile(const SqliteFile&) = delete;
  SqliteFile& operator=(const SqliteFile&) = delete;

  std::string url() const { return "sqlite://" + (dir_ / "authkit.db").string(); }
  std::unique_ptr<authkit::Store> open(authkit::StoreOptions options = {}, bool migrate = true) {
    return open_or_fail(url(), std::move(options), migrate);
  }
  // Several stores may share this database (as several processes would).
  static constexpr bool kShareable = true;

 private:
  std::filesystem::path dir_;
};

// sqlite::memory:: private to the store that opens it.
class SqliteMemory {
 public:
  std::unique_ptr<authkit::Store> open(authkit::StoreOptions options = {}, bool migrate = true) {
    return open_or_fail("sqlite::memory:", std::move(options), migrate);
  }
  static constexpr bool kShareable = false;
};

#if defined(AUTHKIT_TEST_POSTGRES)
// A fresh schema in the database of AUTHKIT_TEST_POSTGRES_URL, dropped afterwards.
class Postgres {
 public:
  Postgres() {
    const char* url = std::getenv("AUTHKIT_TEST_POSTGRES_URL");
    if (url == nullptr || *url == '\0') {
      FAIL(
          "AUTHKIT_TEST_POSTGRES_URL is not set: run the suite under scripts/with-services.sh "
          "(a PostgreSQL case never passes without a server)");
    }
    base_url_ = url;
    schema_ = "t_" + authkit::crypto::random_uuid_v4().substr(0, 8) +
              authkit::crypto::random_uuid_v4().substr(24, 12);
    admin("CREATE SCHEMA " + schema_);
  }
  ~Postgres() {
    if (!schema_.empty()) admin("DROP SCHEMA IF EXISTS " + schema_ + " CASCADE", false);
  }
  Postgres(const Postgres&) = delete;
  Postgres& operator=(const Postgres&) = delete;

  std::string url() const {
    const char sep = base_url_.find('?') == std::string::npos ? '?' : '&';
    return base_url_ + sep + "options=-csearch_path%3D" + schema_;
  }
  std::unique_ptr<authkit::Store> open(authkit::StoreOptions options = {}, bool migrate = true) {
    return open_or_fail(url(), std::move(options), migrate);
  }
  static constexpr bool kShareable = true;

  // Runs `sql` on a connection of its own (outside any store).
  void admin(const std::string& sql, bool require_ok = true) const {
    PGconn* c = PQconnectdb(base_url_.c_str());
    const bool connected = PQstatus(c) == CONNECTION_OK;
    std::string error = connected ? "" : PQerrorMessage(c);
    if (connected) {
      PGresult* r = PQexec(c, sql.c_str());
      const auto st = PQresultStatus(r);
      if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK) error = PQresultErrorMessage(r);
      PQclear(r);
    }
    PQfinish(c);
    if (require_ok && !error.empty()) FAIL("PostgreSQL admin statement failed: " << error);
  }

 private:
  std::string base_url_;
  std::string schema_;
};

// The same, with read coalescing off (StoreOptions::read_coalescing): every read on a pooled
// connection of its own, as DATABASE_READ_COALESCING=false runs the service.
class PostgresUncoalesced : public Postgres {
 public:
  std::unique_ptr<authkit::Store> open(authkit::StoreOptions options = {}, bool migrate = true) {
    options.read_coalescing = false;
    return Postgres::open(std::move(options), migrate);
  }
};
#endif

}  // namespace authkit_test

#if defined(AUTHKIT_TEST_POSTGRES)
#define AUTHKIT_STORE_BACKENDS authkit_test::Postgres, authkit_test::PostgresUncoalesced
#else
#define AUTHKIT_STORE_BACKENDS authkit_test::SqliteFile, authkit_test::SqliteMemory
#endif

// One test case, run once per backend of this executable.
#define STORE_TEST(name) TEMPLATE_TEST_CASE(name, "[store]", AUTHKIT_STORE_BACKENDS)
