// SqlDriver: what a SQL backend gives the shared store logic (transactions and named statements).
#pragma once

#include <functional>
#include <initializer_list>
#include <span>
#include <string_view>

#include "authkit/result.hpp"
#include "storage/sql/migration_set.hpp"
#include "storage/sql/sql_types.hpp"
#include "storage/sql/statements.hpp"

namespace authkit {
inline namespace v1 {
namespace storage {

// One connection inside one unit of work. Valid only during SqlDriver::run.
class SqlSession {
 public:
  virtual ~SqlSession() = default;
  virtual Result<SqlResult> exec(Stmt statement, std::span<const SqlParam> params) = 0;
  Result<SqlResult> exec(Stmt statement, std::initializer_list<SqlParam> params) {
    return exec(statement, std::span<const SqlParam>(params.begin(), params.size()));
  }
  // Several statements without parameters (a migration's SQL).
  virtual Result<void> exec_script(std::string_view sql) = 0;
};

enum class TxKind {
  kRead,       // single statements, no transaction needed
  kWrite,      // one transaction that writes (BEGIN IMMEDIATE on SQLite)
  kMigration,  // a write transaction that excludes other migrators (advisory lock on PostgreSQL)
};

// Thread-safe.
class SqlDriver {
 public:
  virtual ~SqlDriver() = default;
  // Runs `body` on a pooled connection: inside a transaction for kWrite/kMigration, committed
  // when body succeeds and rolled back when it fails. `body` may run more than once (the driver
  // retries transient failures: a lost connection before COMMIT, a deadlock), so it must reset
  // whatever it captures.
  virtual Result<void> run(TxKind kind, const std::function<Result<void>(SqlSession&)>& body) = 0;
  // One statement without side effects, outside any transaction, as run(kRead, ...) would run
  // it. A driver may send concurrent reads together (PostgreSQL does: ReadCoalescer), and send
  // one again after a lost connection; each still sees every commit made before the call.
  virtual Result<SqlResult> read(Stmt statement, std::span<const SqlParam> params);
  Result<SqlResult> read(Stmt statement, std::initializer_list<SqlParam> params) {
    return read(statement, std::span<const SqlParam>(params.begin(), params.size()));
  }
  // One statement that changes state and is atomic on its own (no BEGIN/COMMIT around it): one
  // round trip on a client-server backend. Not repeated after a lost connection (its outcome is
  // then unknown, as at a COMMIT). Default: run(kWrite, ...) with the statement alone.
  virtual Result<SqlResult> write(Stmt statement, std::span<const SqlParam> params);
  Result<SqlResult> write(Stmt statement, std::initializer_list<SqlParam> params) {
    return write(statement, std::span<const SqlParam>(params.begin(), params.size()));
  }
  // Whether the driver provides the k*InOneTrip statements, so that every state change costs one
  // round trip (PostgreSQL). Without them the store runs each operation as a transaction of
  // several statements (SQLite: embedded, no round trips to save).
  virtual bool one_trip_writes() const noexcept { return false; }
  virtual std::string_view name() const noexcept = 0;
  virtual const MigrationSet& migrations() const noexcept = 0;
  // CREATE TABLE IF NOT EXISTS schema_migrations ...
  virtual std::string_view migrations_table_sql() const noexcept = 0;
};

}  // namespace storage
}  // namespace v1
}  // namespace authkit
