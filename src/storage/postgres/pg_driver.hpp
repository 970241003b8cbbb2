// The PostgreSQL driver: a bounded libpq pool with prepared statements and reconnects.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "authkit/store.hpp"
#include "storage/sql/read_coalescer.hpp"
#include "storage/sql/sql_driver.hpp"

namespace authkit {
inline namespace v1 {
namespace storage {

class PgConnection;

// Thread-safe. At most pool_size connections; an operation waits at most acquire_timeout for
// one, then fails with kServiceUnavailable. A connection that lost its server is dropped along
// with every idle connection of its generation (after a server restart they are all dead), and
// the operation is retried on a fresh connection unless the loss hit its COMMIT. Concurrent
// single-statement reads go out together, one round trip per batch (ReadCoalescer, libpq's
// pipeline mode), unless StoreOptions::read_coalescing is off.
class PgDriver final : public SqlDriver {
 public:
  // Connects once, so that a wrong URL or an unreachable server is reported here.
  static Result<std::unique_ptr<PgDriver>> open(std::string url, const StoreOptions& options);
  ~PgDriver() override;

  Result<void> run(TxKind kind, const std::function<Result<void>(SqlSession&)>& body) override;
  using SqlDriver::read;
  Result<SqlResult> read(Stmt statement, std::span<const SqlParam> params) override;
  using SqlDriver::write;
  Result<SqlResult> write(Stmt statement, std::span<const SqlParam> params) override;
  bool one_trip_writes() const noexcept override { return true; }
  std::string_view name() const noexcept override { return "postgresql"; }
  const MigrationSet& migrations() const noexcept override { return migrations_; }
  std::string_view migrations_table_sql() const noexcept override;

  // Pool access, public for the fault tests that hold a connection on purpose.
  Result<std::unique_ptr<PgConnection>> acquire();
  void release(std::unique_ptr<PgConnection> conn);
  // ReadCoalescer's batch runner: the whole batch on one connection, retried on a fresh one
  // when the connection is lost (reads are safe to repeat). Public for the test that sends a
  // batch of its own.
  void run_reads(std::span<PendingRead* const> reads);
  // Whether read() goes through the ReadCoalescer (StoreOptions::read_coalescing), for the tests.
  bool coalesces_reads() const noexcept { return reads_ != nullptr; }
  // Round trips to the server so far on pooled connections (each statement, prepare, pipeline
  // and BEGIN/COMMIT; not the connection handshake): the tests prove with it that a state change
  // costs one.
  std::uint64_t round_trips() const noexcept { return round_trips_.load(); }

 private:
  PgDriver(std::string url, const StoreOptions& options);
  Result<std::unique_ptr<PgConnection>> connect(std::uint64_t generation);

  // A pooled connection that goes back to the pool however the scope is left.
  struct Returned;

  std::string url_;
  StoreOptions options_;
  std::size_t max_connections_;
  MigrationSet migrations_;

  std::mutex mutex_;
  std::condition_variable available_;
  std::vector<std::unique_ptr<PgConnection>> idle_;
  std::size_t open_count_ = 0;
  std::uint64_t generation_ = 0;
  std::atomic<std::uint64_t> round_trips_{0};

  // Last: its batches use the pool above. Null when read coalescing is off.
  std::unique_ptr<ReadCoalescer> reads_;
};

}  // namespace storage
}  // namespace v1
}  // namespace authkit
