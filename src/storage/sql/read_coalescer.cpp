// ReadCoalescer: callers queue on their own stack frames, so nothing is allocated under the lock
// and a batch never fails half-way through handing out its answers.
#include "storage/sql/read_coalescer.hpp"

#include <semaphore.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <cerrno>
#include <ctime>
#include <memory>
#include <string>
#include <utility>

#include "base/catch_all.hpp"

namespace authkit {
inline namespace v1 {
namespace storage {
namespace {

class SteadySemaphoreWaitClock final : public SemaphoreWaitClock {
 public:
  TimePoint now() const override { return std::chrono::steady_clock::now(); }
  // libstdc++'s steady_clock reads CLOCK_MONOTONIC, so its time points are sem_clockwait's
  // deadlines as they are.
  bool wait_until(sem_t& sem, TimePoint deadline) const override {
    const auto since_epoch = deadline.time_since_epoch();
    const auto s = std::chrono::duration_cast<std::chrono::seconds>(since_epoch);
    timespec at{};
    at.tv_sec = static_cast<time_t>(s.count());
    at.tv_nsec = static_cast<long>(std::chrono::nanoseconds(since_epoch - s).count());
    for (;;) {
      if (sem_clockwait(&sem, CLOCK_MONOTONIC, &at) == 0) return true;
      if (errno == ETIMEDOUT) return false;
      if (errno != EINTR) std::terminate();  // EINVAL: the semaphore itself is broken
    }
  }
};

}  // namespace

std::shared_ptr<const SemaphoreWaitClock> steady_semaphore_wait_clock() {
  static const auto clock = std::make_shared<const SteadySemaphoreWaitClock>();
  return clock;
}

// A queued caller, asleep on a POSIX semaphore of its own. Not std::binary_semaphore: libstdc++'s
// spins on sched_yield before it sleeps, and not a condition variable: the waker holds its
// mutex while it notifies, so the woken caller would often sleep once more on that mutex. On
// busy cores each extra trip through the scheduler costs more than the round trip saved.
struct ReadCoalescer::Waiter {
  explicit Waiter(PendingRead r) : read(std::move(r)) {
    if (sem_init(&woken, 0, 0) != 0) std::terminate();  // only on a platform without them
  }
  ~Waiter() { sem_destroy(&woken); }
  Waiter(const Waiter&) = delete;
  Waiter& operator=(const Waiter&) = delete;

  // kWaiting when `deadline` on `clock` came first.
  Turn wait_until(const SemaphoreWaitClock& clock, SemaphoreWaitClock::TimePoint deadline) {
    return clock.wait_until(woken, deadline) ? turn.load(kAcquire) : Turn::kWaiting;
  }
  Turn wait() {
    while (sem_wait(&woken) != 0) {
      if (errno != EINTR) std::terminate();
    }
    return turn.load(kAcquire);
  }
  // The answer (or the lead) is published through `turn`, not through the semaphore alone, so
  // that the hand-over is visible to the C++ memory model (and ThreadSanitizer). Once posted,
  // the caller may return and destroy this: since glibc 2.21, sem_post's last access to the
  // semaphore is the atomic add; the futex wake after it only hands the kernel the address.
  void wake(Turn t) {
    turn.store(t, std::memory_order_release);
    sem_post(&woken);
  }

  static constexpr auto kAcquire = std::memory_order_acquire;
  PendingRead read;
  Waiter* next = nullptr;
  bool queued = false;  // under the coalescer's mutex: in its queue
  std::atomic<Turn> turn{Turn::kWaiting};
  sem_t woken;
};

ReadCoalescer::ReadCoalescer(std::size_t max_in_flight, std::chrono::milliseconds patience,
                             std::chrono::milliseconds max_wait, BatchRunner run,
                             std::shared_ptr<const SemaphoreWaitClock> clock)
    : max_in_flight_(max_in_flight == 0 ? 1 : max_in_flight),
      patience_(patience),
      max_wait_(max_wait),
      run_(std::move(run)),
      clock_(clock ? std::move(clock) : steady_semaphore_wait_clock()) {}

Result<SqlResult> ReadCoalescer::read(Stmt statement, std::span<const SqlParam> params) {
  Waiter self(PendingRead{statement, params, std::nullopt});
  bool leads = false;
  {
    std::lock_guard lock(mutex_);
    if (in_flight_ == 0) {
      ++in_flight_;
      leads = true;
    } else {
      enqueue(self);
    }
  }
  if (!leads) {
    const Turn turn = await_turn(self);
    if (turn == Turn::kWaiting) {
      return Error(ErrorCode::kServiceUnavailable,
                   "storage: no read batch took this read within the acquire timeout");
    }
    leads = turn == Turn::kLead;
  }
  if (leads) lead(self);
  return std::move(*self.read.result);
}

ReadCoalescer::Turn ReadCoalescer::await_turn(Waiter& self) {
  const auto give_up = clock_->now() + max_wait_;
  for (;;) {
    const auto wake_at = std::min(clock_->now() + patience_, give_up);
    if (const Turn turn = self.wait_until(*clock_, wake_at); turn != Turn::kWaiting) return turn;
    std::unique_lock lock(mutex_);
    if (!self.queued) {
      // A leader took this caller just now; its post is on the way.
      lock.unlock();
      return self.wait();
    }
    if (in_flight_ < max_in_flight_) {
      unlink(self);
      ++in_flight_;
      return Turn::kLead;
    }
    if (clock_->now() >= give_up) {
      unlink(self);
      return Turn::kWaiting;
    }
  }
}

void ReadCoalescer::enqueue(Waiter& w) {
  w.queued = true;
  if (tail_ == nullptr) {
    head_ = tail_ = &w;
  } else {
    tail_->next = &w;
    tail_ = &w;
  }
}

void ReadCoalescer::unlink(Waiter& w) {
  Waiter* prev = nullptr;
  for (Waiter* it = head_; it != nullptr; prev = it, it = it->next) {
    if (it != &w) continue;
    (prev == nullptr ? head_ : prev->next) = w.next;
    if (tail_ == &w) tail_ = prev;
    break;
  }
  w.next = nullptr;
  w.queued = false;
}

std::size_t ReadCoalescer::queued() const {
  std::lock_guard lock(mutex_);
  std::size_t n = 0;
  for (const Waiter* w = head_; w != nullptr; w = w->next) ++n;
  return n;
}

void ReadCoalescer::lead(Waiter& self) noexcept {
  std::array<Waiter*, kMaxBatch> batch{};
  std::array<PendingRead*, kMaxBatch> reads{};
  std::size_t size = 0;
  batch[size++] = &self;
  {
    std::lock_guard lock(mutex_);
    while (head_ != nullptr && size < kMaxBatch) {
      batch[size++] = head_;
      unlink(*head_);
    }
  }
  for (std::size_t i = 0; i < size; ++i) reads[i] = &batch[i]->read;
  run_batch(std::span<PendingRead* const>(reads.data(), size));

  Waiter* next_leader = nullptr;
  {
    std::lock_guard lock(mutex_);
    if (head_ != nullptr) {
      next_leader = head_;  // keeps this batch's in-flight slot
      unlink(*head_);
    } else {
      --in_flight_;
    }
  }
  // A woken caller returns and its Waiter is gone: nothing touches batch[i] after its wake.
  for (std::size_t i = 1; i < size; ++i) batch[i]->wake(Turn::kAnswered);
  if (next_leader != nullptr) next_leader->wake(Turn::kLead);
}

void ReadCoalescer::run_batch(std::span<PendingRead* const> reads) noexcept {
  Result<void> ran = catch_all(
      [&]() -> Result<void> {
        run_(reads);
        return {};
      },
      "storage: ");
  const Error unanswered =
      ran ? unexpected_error("storage: ", "read batch left a read unanswered") : ran.error();
  for (PendingRead* read : reads) {
    if (!read->result) read->result = unanswered;
  }
}

}  // namespace storage
}  // namespace v1
}  // namespace authkit
