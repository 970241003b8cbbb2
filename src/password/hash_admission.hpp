// HashAdmission: callers wait their turn for a password-hashing slot, within bounds.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>

#include "authkit/result.hpp"
#include "password/admission_queue.hpp"

namespace authkit::detail {

// The time HashAdmission waits by: the steady clock in production, a fake one in tests (whose
// waits end only when notified, the test advancing the time and calling expire_overdue()).
class WaitClock {
 public:
  using TimePoint = std::chrono::steady_clock::time_point;
  virtual ~WaitClock() = default;
  virtual TimePoint now() const = 0;
  // Blocks on `cv` (`lock` held on entry and on return) until notified or until `deadline` on
  // this clock, whichever is first. May return early: the caller checks its own state again.
  virtual void wait_until(std::unique_lock<std::mutex>& lock, std::condition_variable& cv,
                          TimePoint deadline) const = 0;
};

// std::chrono::steady_clock: immune to wall-clock jumps. Process-wide.
std::shared_ptr<const WaitClock> steady_wait_clock();

// An AdmissionQueue with waiting: enter() returns at once with a ticket when a slot is free,
// blocks in the queue until a finishing caller hands it one, or fails with
// SERVICE_UNAVAILABLE when it cannot be queued (queue full, or its client's share taken) or
// has waited max_wait. A waiting caller holds nothing but its place (a few bytes and its own
// thread, asleep): the memory of a hash is only taken after admission.
//
// The AuthService owns one and takes a ticket, keyed by the request's client address, around
// each password hash or verification (docs/configuration.md#password-hash-queue), so that
// C++, C and Python callers all get the same rules without the PasswordHasher interface
// having to know about clients.
//
// Thread-safe. Must outlive every ticket it issued.
class HashAdmission {
 public:
  // A slot, given back when destroyed (to the oldest waiter, if any). Move-only.
  class Ticket {
   public:
    Ticket() noexcept = default;
    Ticket(Ticket&& other) noexcept;
    Ticket& operator=(Ticket&& other) noexcept;
    Ticket(const Ticket&) = delete;
    Ticket& operator=(const Ticket&) = delete;
    ~Ticket();

    explicit operator bool() const noexcept { return admission_ != nullptr; }
    // Gives the slot back now (no-op on an empty ticket).
    void release() noexcept;

   private:
    friend class HashAdmission;
    Ticket(HashAdmission* admission, std::optional<std::string> client) noexcept
        : admission_(admission), client_(std::move(client)) {}
    HashAdmission* admission_ = nullptr;
    std::optional<std::string> client_;  // whose slot it is, for the order of the next one
  };

  // Told the number of waiting callers after each change (under the admission's lock: it must
  // be quick and must not call back), e.g. to publish a gauge.
  using WaitingObserver = std::function<void(std::size_t waiting)>;

  explicit HashAdmission(AdmissionLimits limits,
                         std::shared_ptr<const WaitClock> clock = steady_wait_clock(),
                         WaitingObserver observer = {});
  HashAdmission(const HashAdmission&) = delete;
  HashAdmission& operator=(const HashAdmission&) = delete;

  // A ticket for a caller of `client` (the AuthService keys it as the rate limits key clients;
  // nullopt: no address known), possibly after waiting. The error's diagnostic says which bound
  // refused it.
  Result<Ticket> enter(std::optional<std::string_view> client);

  // Refuses every waiter whose deadline has passed on the clock. Waiters do this themselves
  // when their own wait ends; tests with a fake clock call it after moving the time.
  void expire_overdue();

  std::size_t running() const;
  std::size_t waiting() const;
  const AdmissionLimits& limits() const noexcept { return queue_.limits(); }

 private:
  struct Waiter {
    enum class State { kWaiting, kRunning, kRefused };
    std::condition_variable cv;
    State state = State::kWaiting;
  };
  void finish(const std::optional<std::string>& client) noexcept;
  void expire_locked(WaitClock::TimePoint now);  // under mutex_
  void publish_locked() noexcept;                // under mutex_

  const std::shared_ptr<const WaitClock> clock_;
  const WaitingObserver observer_;
  mutable std::mutex mutex_;
  AdmissionQueue queue_;
  // The sleeping callers by ticket; each Waiter lives on its caller's stack while it waits.
  std::unordered_map<AdmissionQueue::Ticket, Waiter*> waiters_;
};

}  // namespace authkit::detail
