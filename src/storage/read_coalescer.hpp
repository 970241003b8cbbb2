// ReadCoalescer: concurrent single-statement reads share database round trips.
#pragma once

#include <cstddef>
#include <functional>
#include <mutex>
#include <optional>
#include <span>

#include "authkit/result.hpp"
#include "storage/sql_types.hpp"
#include "storage/statements.hpp"

namespace authkit {
inline namespace v1 {
namespace storage {

// One caller's read, answered by a batch runner.
struct PendingRead {
  Stmt statement;
  std::span<const SqlParam> params;  // the caller's: alive until its read returns
  std::optional<Result<SqlResult>> result;
};

// Thread-safe. A caller that finds fewer than `max_in_flight` batches running starts one at
// once, carrying its own read and up to kMaxBatch - 1 reads queued before it; otherwise it
// queues and sleeps until a batch has answered it, or until it is handed the lead of the next
// batch. A lone caller therefore never waits; under load, the reads that arrive while the
// database works on one batch go together in the next, one round trip for all of them.
//
// Freshness is not traded: a read is sent after its caller asked, so it sees every commit that
// happened before the call, exactly as a read on a connection of its own would.
class ReadCoalescer {
 public:
  static constexpr std::size_t kMaxBatch = 32;
  // Answers every read of the batch it is given. What it leaves unanswered, or throws, becomes
  // an error of those reads; it never leaves a caller waiting.
  using BatchRunner = std::function<void(std::span<PendingRead* const>)>;

  ReadCoalescer(std::size_t max_in_flight, BatchRunner run);
  ReadCoalescer(const ReadCoalescer&) = delete;
  ReadCoalescer& operator=(const ReadCoalescer&) = delete;

  Result<SqlResult> read(Stmt statement, std::span<const SqlParam> params);
  // Callers queued for a batch (for the tests).
  std::size_t queued() const;

 private:
  struct Waiter;
  // Runs batches starting with `self`'s, then hands the lead to the oldest waiter, if any.
  void lead(Waiter& self) noexcept;
  void run_batch(std::span<PendingRead* const> reads) noexcept;

  const std::size_t max_in_flight_;
  const BatchRunner run_;
  mutable std::mutex mutex_;
  Waiter* head_ = nullptr;  // FIFO of queued callers, linked through their stack frames
  Waiter* tail_ = nullptr;
  std::size_t in_flight_ = 0;  // batches running or handed to a waiter that will run one
};

}  // namespace storage
}  // namespace v1
}  // namespace authkit
