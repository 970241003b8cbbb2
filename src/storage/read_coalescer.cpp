// ReadCoalescer: callers queue on their own stack frames, so nothing is allocated under the lock
// and a batch never fails half-way through handing out its answers.
#include "storage/read_coalescer.hpp"

#include <semaphore.h>

#include <array>
#include <exception>
#include <string>
#include <utility>

namespace authkit {
inline namespace v1 {
namespace storage {

// A queued caller, asleep on a POSIX semaphore of its own. Not std::binary_semaphore: libstdc++'s
// spins on sched_yield before it sleeps, and not a condition variable: the waker holds its
// mutex while it notifies, so the woken caller would often sleep once more on that mutex. On
// busy cores each extra trip through the scheduler costs more than the round trip saved.
struct ReadCoalescer::Waiter {
  explicit Waiter(PendingRead r) : read(std::move(r)) { sem_init(&woken, 0, 0); }
  ~Waiter() { sem_destroy(&woken); }
  Waiter(const Waiter&) = delete;
  Waiter& operator=(const Waiter&) = delete;

  void wait() {
    while (sem_wait(&woken) != 0) {
      // EINTR: a signal handler ran; keep waiting.
    }
  }
  // Once posted, the caller may return and destroy this: since glibc 2.21, sem_post's last
  // access to the semaphore is the atomic add; the futex wake after it only hands the kernel
  // the address.
  void wake(bool lead) {
    leads = lead;
    sem_post(&woken);
  }

  PendingRead read;
  Waiter* next = nullptr;
  bool leads = false;  // written before `woken` is posted: this caller runs the next batch
  sem_t woken;
};

ReadCoalescer::ReadCoalescer(std::size_t max_in_flight, BatchRunner run)
    : max_in_flight_(max_in_flight == 0 ? 1 : max_in_flight), run_(std::move(run)) {}

Result<SqlResult> ReadCoalescer::read(Stmt statement, std::span<const SqlParam> params) {
  Waiter self(PendingRead{statement, params, std::nullopt});
  bool leads = false;
  {
    std::lock_guard lock(mutex_);
    if (in_flight_ < max_in_flight_) {
      ++in_flight_;
      leads = true;
    } else if (tail_ == nullptr) {
      head_ = tail_ = &self;
    } else {
      tail_->next = &self;
      tail_ = &self;
    }
  }
  if (!leads) {
    self.wait();
    leads = self.leads;
  }
  if (leads) lead(self);
  return std::move(*self.read.result);
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
      head_ = head_->next;
    }
    if (head_ == nullptr) tail_ = nullptr;
  }
  for (std::size_t i = 0; i < size; ++i) reads[i] = &batch[i]->read;
  run_batch(std::span<PendingRead* const>(reads.data(), size));

  Waiter* next_leader = nullptr;
  {
    std::lock_guard lock(mutex_);
    if (head_ != nullptr) {
      next_leader = head_;  // keeps this batch's in-flight slot
      head_ = head_->next;
      if (head_ == nullptr) tail_ = nullptr;
    } else {
      --in_flight_;
    }
  }
  // A woken caller returns and its Waiter is gone: nothing touches batch[i] after its wake.
  for (std::size_t i = 1; i < size; ++i) batch[i]->wake(false);
  if (next_leader != nullptr) next_leader->wake(true);
}

void ReadCoalescer::run_batch(std::span<PendingRead* const> reads) noexcept {
  std::string failure = "storage: read batch left a read unanswered";
  try {
    run_(reads);
  } catch (const std::exception& e) {
    failure = std::string("storage: ") + e.what();
  } catch (...) {
    failure = "storage: unknown exception";
  }
  for (PendingRead* read : reads) {
    if (!read->result) read->result = Error(ErrorCode::kInternalServerError, failure);
  }
}

}  // namespace storage
}  // namespace v1
}  // namespace authkit
