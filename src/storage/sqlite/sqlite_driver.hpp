// The SQLite driver: a small pool of connections with cached prepared statements.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "authkit/store.hpp"
#include "storage/sql/sql_driver.hpp"

namespace authkit {
inline namespace v1 {
namespace storage {

class SqliteConnection;

// Thread-safe. Writers of one store queue on an in-process mutex before BEGIN IMMEDIATE (so they
// do not spin in SQLite's busy handler); busy_timeout still covers other processes.
class SqliteDriver final : public SqlDriver {
 public:
  // `path` is a file path, or empty for a private in-memory database (memdb VFS) that every
  // connection of this driver shares.
  static Result<std::unique_ptr<SqliteDriver>> open(std::string path, const StoreOptions& options);
  ~SqliteDriver() override;

  Result<void> run(TxKind kind, const std::function<Result<void>(SqlSession&)>& body) override;
  std::string_view name() const noexcept override { return "sqlite"; }
  const MigrationSet& migrations() const noexcept override { return migrations_; }
  std::string_view migrations_table_sql() const noexcept override;

 private:
  SqliteDriver(std::string target, bool memory, const StoreOptions& options);
  Result<std::unique_ptr<SqliteConnection>> acquire();
  void release(std::unique_ptr<SqliteConnection> conn);

  std::string target_;  // file path or memdb URI
  bool memory_;
  StoreOptions options_;
  std::size_t max_connections_;
  MigrationSet migrations_;

  std::mutex mutex_;
  std::condition_variable available_;
  std::vector<std::unique_ptr<SqliteConnection>> idle_;
  std::size_t open_count_ = 0;
  std::mutex write_mutex_;
};

}  // namespace storage
}  // namespace v1
}  // namespace authkit
