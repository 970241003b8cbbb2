// SemaphoreWaitClock: the time ReadCoalescer's callers wait by, and how they sleep until then.
#pragma once

#include <semaphore.h>

#include <chrono>
#include <memory>

namespace authkit {
inline namespace v1 {
namespace storage {

// The steady clock in production; a fake one in tests, whose time moves only when the test
// moves it and which then wakes the sleepers whose deadline has passed. The sleep itself is
// part of the clock because a fake clock must be able to end it.
//
// Not password/hash_admission.hpp's WaitClock: that one sleeps on a condition variable under
// the caller's mutex, while ReadCoalescer's callers each sleep on a POSIX semaphore of their
// own (read_coalescer.cpp says why).
class SemaphoreWaitClock {
 public:
  using TimePoint = std::chrono::steady_clock::time_point;
  virtual ~SemaphoreWaitClock() = default;
  virtual TimePoint now() const = 0;
  // Sleeps until `sem` is posted (true: one post taken) or `deadline` on this clock has come
  // (false: count it as no post taken; a clock that posts to end a sleep leaves a post behind
  // for any other it took). As sem_clockwait, a post already there is taken even when the
  // deadline has passed. After false a post may still come: the caller's own state says.
  virtual bool wait_until(sem_t& sem, TimePoint deadline) const = 0;
};

// std::chrono::steady_clock (CLOCK_MONOTONIC: immune to wall-clock jumps). Process-wide.
std::shared_ptr<const SemaphoreWaitClock> steady_semaphore_wait_clock();

}  // namespace storage
}  // namespace v1
}  // namespace authkit
