// PostgreSQL faults: a server of the test's own stopped and restarted, pool and statement limits.
#include <catch2/catch.hpp>
#include "authkit/backends.hpp"

#include <libpq-fe.h>

#include <array>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <thread>
#include <vector>

#include "backends.hpp"
#include "storage/postgres/pg_driver.hpp"
#include "store_helpers.hpp"

using namespace authkit_test;
using authkit::ErrorCode;
using authkit::RotateOutcome;

namespace {

// Runs `script` in bash with scripts/services.sh sourced; returns its trimmed stdout.
std::string services(const std::string& script) {
  const char* pg_bin = std::getenv("AUTHKIT_TEST_PG_BIN");
  if (pg_bin == nullptr || *pg_bin == '\0') {
    FAIL("AUTHKIT_TEST_PG_BIN is not set: run the suite under scripts/with-services.sh");
  }
  const std::string command = "PG_BIN='" + std::string(pg_bin) +
                              "' bash -c '. " AUTHKIT_SOURCE_DIR "/scripts/services.sh && " +
                              script + "'";
  FILE* pipe = popen(command.c_str(), "r");
  REQUIRE(pipe != nullptr);
  std::string out;
  std::array<char, 256> buffer{};
  while (fgets(buffer.data(), static_cast<int>(buffer.size()), pipe) != nullptr)
    out += buffer.data();
  const int status = pclose(pipe);
  if (status != 0) FAIL("services.sh failed (" << status << "): " << script << "\n" << out);
  while (!out.empty() && (out.back() == '\n' || out.back() == ' ')) out.pop_back();
  return out;
}

// A PostgreSQL cluster of this test alone, removed at the end even when the test fails.
class OwnPostgres {
 public:
  OwnPostgres() {
    dir_ = services("services_make_workdir");
    port_ = services("free_port");
    start();
  }
  ~OwnPostgres() {
    try {
      services("pg_stop '" + dir_ + "/pg'");
    } catch (...) {
    }
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }
  OwnPostgres(const OwnPostgres&) = delete;
  OwnPostgres& operator=(const OwnPostgres&) = delete;

  void start() { services("pg_start '" + dir_ + "/pg' " + port_); }
  // The throw-away servers run with synchronous_commit=off, and pg_stop is an immediate
  // shutdown: without a checkpoint first, the last commits could vanish with it.
  void stop() {
    PGconn* c = PQconnectdb(url().c_str());
    PGresult* r = PQexec(c, "CHECKPOINT");
    const bool ok = PQresultStatus(r) == PGRES_COMMAND_OK;
    PQclear(r);
    PQfinish(c);
    REQUIRE(ok);
    services("pg_stop '" + dir_ + "/pg'");
  }
  std::string url() const { return "postgresql://postgres@127.0.0.1:" + port_ + "/postgres"; }

 private:
  std::string dir_;
  std::string port_;
};

}  // namespace

TEST_CASE("postgres: after the server stops and starts again, the next call succeeds",
          "[store][postgres]") {
  OwnPostgres server;
  const authkit::StoreOptions options{.pool_size = 4, .connect_timeout = 2s};
  auto store = open_or_fail(server.url(), options, true);
  auto [user, created] = make_user_session(*store, "restart@test.dev");
  // Fill the pool with several connections, all of which the restart will kill.
  std::vector<std::thread> readers;
  for (int i = 0; i < 4; ++i) readers.emplace_back([&] { (void)store->ping(); });
  for (auto& t : readers) t.join();

  server.stop();
  auto down = store->find_user_by_id(user.id);
  REQUIRE_FALSE(down.ok());
  CHECK(down.error().code == ErrorCode::kServiceUnavailable);
  CHECK(down.error().status == 503);

  server.start();
  auto found = AK_OK(store->find_user_by_id(user.id));
  CHECK(found.has_value());
  auto rotated =
      AK_OK(store->rotate_refresh_token(rotate_request(created.session, created.token, kT0 + 1s)));
  CHECK(rotated.outcome == RotateOutcome::kRotated);
  require_ok(store->ping(), "ping");
}

TEST_CASE("postgres: an unreachable server is SERVICE_UNAVAILABLE at open", "[store][postgres]") {
  const std::string port = services("free_port");  // nothing listens there
  const authkit::StoreOptions options{.connect_timeout = 2s};
  auto r = authkit::open_store("postgresql://postgres@127.0.0.1:" + port + "/postgres", options);
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().code == ErrorCode::kServiceUnavailable);
}

namespace {

// Holds the row lock of a session from outside the store until release().
class SessionLocker {
 public:
  SessionLocker(const std::string& url, const std::string& session_id) {
    conn_ = PQconnectdb(url.c_str());
    REQUIRE(PQstatus(conn_) == CONNECTION_OK);
    run("BEGIN");
    run("SELECT 1 FROM sessions WHERE id = '" + session_id + "' FOR UPDATE");
  }
  ~SessionLocker() { PQfinish(conn_); }
  SessionLocker(const SessionLocker&) = delete;
  SessionLocker& operator=(const SessionLocker&) = delete;

  void release() { run("COMMIT"); }
  // Waits until some other backend waits for a lock (the store's blocked operation).
  void await_waiter() {
    for (int i = 0; i < 2000; ++i) {
      PGresult* r =
          PQexec(conn_, "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock'");
      const bool waiting =
          PQresultStatus(r) == PGRES_TUPLES_OK && std::atoi(PQgetvalue(r, 0, 0)) > 0;
      PQclear(r);
      if (waiting) return;
      std::this_thread::sleep_for(5ms);
    }
    FAIL("no backend ever waited for the session lock");
  }

 private:
  void run(const std::string& sql) {
    PGresult* r = PQexec(conn_, sql.c_str());
    const auto st = PQresultStatus(r);
    PQclear(r);
    REQUIRE((st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK));
  }
  PGconn* conn_;
};

}  // namespace

TEST_CASE("postgres: a pool with no free connection fails with SERVICE_UNAVAILABLE in time",
          "[store][postgres]") {
  Postgres backend;
  const authkit::StoreOptions options{.pool_size = 1, .acquire_timeout = 200ms};
  auto store = backend.open(options);
  auto [user, created] = make_user_session(*store, "pool@test.dev");

  SessionLocker locker(backend.url(), created.session.id);
  // The rotation takes the pool's only connection and blocks on the session's lock.
  authkit::Result<authkit::RotateResult> rotated = authkit::Error(ErrorCode::kInternalServerError);
  std::thread blocked([&] {
    rotated = store->rotate_refresh_token(rotate_request(created.session, created.token, kT0 + 1s));
  });
  locker.await_waiter();
  auto starved = store->ping();
  locker.release();
  blocked.join();

  REQUIRE_FALSE(starved.ok());
  CHECK(starved.error().code == ErrorCode::kServiceUnavailable);
  REQUIRE(rotated.ok());
  CHECK(rotated->outcome == RotateOutcome::kRotated);
  require_ok(store->ping(), "ping after the pool frees up");
}

TEST_CASE("postgres: a statement that outlives statement_timeout is SERVICE_UNAVAILABLE",
          "[store][postgres]") {
  Postgres backend;
  const authkit::StoreOptions options{.statement_timeout = 300ms};
  auto store = backend.open(options);
  auto [user, created] = make_user_session(*store, "slow@test.dev");
  SessionLocker locker(backend.url(), created.session.id);
  auto r = store->revoke_session(user.id, created.session.id, kT0 + 1s);
  locker.release();
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().code == ErrorCode::kServiceUnavailable);
  // Nothing was changed, and the store works on.
  CHECK(AK_OK(store->find_session(created.session.id))->status == authkit::SessionStatus::kActive);
}

TEST_CASE("postgres: timestamps are timestamptz in UTC, to the millisecond", "[store][postgres]") {
  Postgres backend;
  auto store = backend.open();
  make_user(*store, "utc@test.dev", kT0);
  PGconn* c = PQconnectdb(backend.url().c_str());
  REQUIRE(PQstatus(c) == CONNECTION_OK);
  PGresult* r =
      PQexec(c,
             "SET TIME ZONE 'UTC'; SELECT to_char(created_at, 'YYYY-MM-DD\"T\"HH24:MI:SS.MS'), "
             "pg_typeof(created_at)::text FROM users");
  REQUIRE(PQresultStatus(r) == PGRES_TUPLES_OK);
  CHECK(std::string(PQgetvalue(r, 0, 0)) == "2025-06-15T15:06:40.123");
  CHECK(std::string(PQgetvalue(r, 0, 1)) == "timestamp with time zone");
  PQclear(r);
  PQfinish(c);
}

namespace {

authkit::storage::PgDriver& pg_driver(authkit::Store& store) {
  return dynamic_cast<authkit::storage::PgDriver&>(
      dynamic_cast<authkit::storage::SqlStore&>(store).driver());
}

// Runs `sql` on a connection of its own; returns the first cell of its result.
std::string query_value(const std::string& url, const std::string& sql) {
  PGconn* c = PQconnectdb(url.c_str());
  REQUIRE(PQstatus(c) == CONNECTION_OK);
  PGresult* r = PQexec(c, sql.c_str());
  const bool ok = PQresultStatus(r) == PGRES_TUPLES_OK && PQntuples(r) == 1;
  std::string value = ok ? PQgetvalue(r, 0, 0) : PQresultErrorMessage(r);
  PQclear(r);
  PQfinish(c);
  if (!ok) FAIL("query failed: " << value);
  return value;
}

}  // namespace

TEST_CASE("postgres: StoreOptions::read_coalescing puts the coalescer in front of reads or not",
          "[store][postgres]") {
  Postgres backend;
  auto coalesced = backend.open();
  CHECK(pg_driver(*coalesced).coalesces_reads());
  authkit::StoreOptions off;
  off.read_coalescing = false;
  auto direct = open_or_fail(backend.url(), off, false);
  CHECK_FALSE(pg_driver(*direct).coalesces_reads());
  // Both read what either wrote.
  const auto user = make_user(*coalesced, "either-way@test.dev");
  CHECK(AK_OK(direct->find_user_by_id(user.id))->email == user.email);
  CHECK(AK_OK(coalesced->find_user_by_email(user.email))->id == user.id);
}

TEST_CASE("postgres: a read that fails inside a batch gets its error, the others their rows",
          "[store][postgres]") {
  using authkit::storage::PendingRead;
  using authkit::storage::SqlParam;
  using authkit::storage::Stmt;
  Postgres backend;
  auto store = backend.open();
  const auto a = make_user(*store, "batch-a@test.dev");
  const auto b = make_user(*store, "batch-b@test.dev");
  const SqlParam id_a = a.id;
  const SqlParam not_an_id = std::string_view("not-a-number");  // bigint input syntax: 22P02
  const SqlParam id_b = b.id;
  const SqlParam email_b = std::string_view(b.email);
  // One pipeline: the failure aborts the reads after it, which must be sent again.
  PendingRead first{Stmt::kFindUserById, {&id_a, 1}, std::nullopt};
  PendingRead failing{Stmt::kFindUserById, {&not_an_id, 1}, std::nullopt};
  PendingRead after{Stmt::kFindUserById, {&id_b, 1}, std::nullopt};
  PendingRead last{Stmt::kFindUserByEmail, {&email_b, 1}, std::nullopt};
  std::array<PendingRead*, 4> batch{&first, &failing, &after, &last};
  pg_driver(*store).run_reads(batch);

  for (const PendingRead* read : batch) REQUIRE(read->result.has_value());
  REQUIRE(first.result->ok());
  REQUIRE((*first.result)->rows.size() == 1);
  CHECK(authkit::storage::as_int((*first.result)->rows[0][0]) == a.id);
  REQUIRE_FALSE(failing.result->ok());
  CHECK(failing.result->error().code == ErrorCode::kInvalidPayload);
  REQUIRE(after.result->ok());
  REQUIRE((*after.result)->rows.size() == 1);
  CHECK(authkit::storage::as_int((*after.result)->rows[0][0]) == b.id);
  REQUIRE(last.result->ok());
  REQUIRE((*last.result)->rows.size() == 1);
  CHECK(authkit::storage::as_text((*last.result)->rows[0][2]) == b.email);
  // The connection went back to the pool out of pipeline mode, fit for anything.
  CHECK(AK_OK(store->find_user_by_id(a.id))->email == a.email);
  auto created = make_session(*store, a.id);
  CHECK(AK_OK(store->rotate_refresh_token(rotate_request(created.session, created.token, kT0 + 1s)))
            .outcome == RotateOutcome::kRotated);
}

TEST_CASE("postgres: reads that meet a terminated backend are answered on a fresh connection",
          "[store][postgres]") {
  Postgres backend;
  // The store's connections carry a name of their own, so that only they are terminated.
  const std::string app = "ak_" + authkit::crypto::random_uuid_v4().substr(0, 8);
  // Batched reads (ReadCoalescer), and reads each on a pooled connection of its own.
  authkit::StoreOptions options;
  options.read_coalescing = GENERATE(true, false);
  CAPTURE(options.read_coalescing);
  auto store = open_or_fail(backend.url() + "&application_name=" + app, options, true);
  const std::string terminate_all =
      "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE application_name = '" +
      app + "'";
  constexpr int kReaders = 8;
  std::vector<authkit::User> users;
  for (int i = 0; i < kReaders; ++i)
    users.push_back(make_user(*store, "storm" + std::to_string(i) + "@test.dev"));

  SECTION("every pooled connection dead: the next read still gets its row") {
    REQUIRE(std::stoi(query_value(backend.url(), terminate_all)) >= 1);
    for (int i = 0; i < 500; ++i) {
      const auto left = query_value(
          backend.url(),
          "SELECT count(*) FROM pg_stat_activity WHERE application_name = '" + app + "'");
      if (left == "0") break;
      std::this_thread::sleep_for(10ms);
    }
    CHECK(AK_OK(store->find_user_by_id(users[0].id))->email == users[0].email);
  }

  SECTION("backends terminated under 8 readers: no read gets a wrong answer") {
    std::atomic<bool> done{false};
    std::atomic<int> answered{0};
    std::atomic<int> wrong{0};
    std::vector<std::thread> readers;
    for (int t = 0; t < kReaders; ++t) {
      readers.emplace_back([&, t] {
        const auto& user = users[static_cast<std::size_t>(t)];
        while (!done) {
          auto found = store->find_user_by_id(user.id);
          if (found.ok() && found->has_value() && (*found)->email == user.email) {
            ++answered;
          } else if (found.ok() || found.error().code != ErrorCode::kServiceUnavailable) {
            ++wrong;  // a wrong row, or an error other than "try again"
          }
        }
      });
    }
    int terminated = 0;
    for (int round = 0; round < 10; ++round) {
      std::this_thread::sleep_for(30ms);
      terminated += std::stoi(query_value(backend.url(), terminate_all));
    }
    done = true;
    for (auto& t : readers) t.join();
    CHECK(terminated > 0);
    CHECK(answered > 0);
    CHECK(wrong == 0);
    CHECK(AK_OK(store->find_user_by_id(users[0].id))->email == users[0].email);
  }
}
