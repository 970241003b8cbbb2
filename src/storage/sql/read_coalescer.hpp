// ReadCoalescer: concurrent single-statement reads share database round trips.
#pragma once

#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <span>

#include "authkit/result.hpp"
#include "storage/sql/semaphore_wait_clock.hpp"
#include "storage/sql/sql_types.hpp"
#include "storage/sql/statements.hpp"

namespace authkit {
inline namespace v1 {
namespace storage {

// One caller's read, answered by a batch runner.
struct PendingRead {
  Stmt statement;
  std::span<const SqlParam> params;  // the caller's: alive until its read returns
  std::optional<Result<SqlResult>> result;
};

// Thread-safe. A read that finds no batch running starts one at once, so a lone caller never
// waits. Reads that arrive while a batch is at the database queue; when it ends, the oldest of
// them leads the next batch, carrying up to kMaxBatch queued reads: one round trip for all.
// A read that no batch has taken after `patience` (the running ones are slow or stuck: a busy
// pool, a slow statement) starts a batch of its own, up to `max_in_flight` at once; one still
// queued after `max_wait` fails with SERVICE_UNAVAILABLE. A read can thus wait `max_wait` in
// the queue, then its batch's own time. Both are measured on `clock` (tests pass a fake one).
//
// Freshness is not traded: a read is sent after its caller asked, so it sees every commit that
// happened before the call, exactly as a read on a connection of its own would.
class ReadCoalescer {
 public:
  static constexpr std::size_t kMaxBatch = 32;
  // Answers every read of the batch it is given. What it leaves unanswered, or throws, becomes
  // an error of those reads; it never leaves a caller waiting.
  using BatchRunner = std::function<void(std::span<PendingRead* const>)>;

  ReadCoalescer(std::size_t max_in_flight, std::chrono::milliseconds patience,
                std::chrono::milliseconds max_wait, BatchRunner run,
                std::shared_ptr<const SemaphoreWaitClock> clock = steady_semaphore_wait_clock());
  ReadCoalescer(const ReadCoalescer&) = delete;
  ReadCoalescer& operator=(const ReadCoalescer&) = delete;

  Result<SqlResult> read(Stmt statement, std::span<const SqlParam> params);
  // Callers queued for a batch (for the tests).
  std::size_t queued() const;

 private:
  struct Waiter;
  enum class Turn { kWaiting, kAnswered, kLead };
  // Sleeps (queued) until a batch answers `self` (kAnswered), or it is to lead a batch: handed
  // the lead, or out of patience with a slot free (kLead); kWaiting when it gave up, unqueued.
  Turn await_turn(Waiter& self);
  void enqueue(Waiter& w);
  void unlink(Waiter& w);  // under mutex_
  // Runs a batch starting with `self`'s read, then hands the lead to the oldest queued caller.
  // noexcept: out of memory while reporting a failure ends the process rather than leave
  // callers waiting for an answer that never comes.
  void lead(Waiter& self) noexcept;
  void run_batch(std::span<PendingRead* const> reads) noexcept;

  const std::size_t max_in_flight_;
  const std::chrono::milliseconds patience_;
  const std::chrono::milliseconds max_wait_;
  const BatchRunner run_;
  const std::shared_ptr<const SemaphoreWaitClock> clock_;
  mutable std::mutex mutex_;
  Waiter* head_ = nullptr;  // FIFO of queued callers, linked through their stack frames
  Waiter* tail_ = nullptr;
  std::size_t in_flight_ = 0;  // batches running or handed to a waiter that will run one
};

}  // namespace storage
}  // namespace v1
}  // namespace authkit
