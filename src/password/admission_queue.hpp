// AdmissionQueue: who runs, who waits and who is refused when work is limited to a few slots.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace authkit::detail {

// The bounds of an admission queue (docs/configuration.md#password-hash-queue).
struct AdmissionLimits {
  std::size_t slots = 1;                  // callers running at once; 0 is taken as 1
  std::size_t queue_max = 0;              // callers waiting at once; 0: a caller never waits
  std::size_t per_client_max = 0;         // waiting callers of one client key; 0 is taken as 1
  std::chrono::milliseconds max_wait{0};  // how long a caller waits at most
};

// Why a caller was refused.
enum class AdmissionRefusal {
  kQueueFull,     // queue_max callers were already waiting
  kClientShare,   // its client already had per_client_max callers waiting
  kWaitExceeded,  // it waited max_wait without being given a slot
};

// The pure bookkeeping of an admission queue: no locks, no waiting, no clock of its own (the
// caller passes the time), so that order, bounds, fairness and timeouts are tested exactly.
//
// Order: a freed slot goes to the oldest waiter of the client that has the fewest callers
// running (oldest overall on a tie), so a client's own callers are served first come, first
// served, and a lone caller queued behind a flood from another address gets the next slot
// instead of waiting for the whole flood. Fairness of places: one client key holds at most
// per_client_max of the waiting places, so one address flooding the queue leaves the other
// places to everybody else. Callers without a key (no address known) count as one client for
// the order and are bounded only by queue_max for places. Invariant: while a slot is free
// nobody waits, because a finishing caller hands its slot straight to a waiter.
//
// Not thread-safe: HashAdmission holds its mutex around every call.
class AdmissionQueue {
 public:
  using TimePoint = std::chrono::steady_clock::time_point;
  using Ticket = std::uint64_t;

  enum class Verdict { kRun, kWait, kRefused };
  struct Arrival {
    Verdict verdict = Verdict::kRun;
    Ticket ticket = 0;                                        // kWait: names the waiter
    TimePoint deadline{};                                     // kWait: when it stops waiting
    AdmissionRefusal refusal = AdmissionRefusal::kQueueFull;  // kRefused: why
  };

  explicit AdmissionQueue(AdmissionLimits limits);

  // A caller of `client` (nullopt: no key) arrives at `now`: it runs (a slot is taken for it),
  // waits (a place is taken until finish() hands it a slot or expire() refuses it), or is
  // refused at once.
  Arrival arrive(std::optional<std::string_view> client, TimePoint now);

  // A running caller of `client` (as it arrived) is done. Its slot passes to the next waiter
  // (see the order above), whose ticket is returned (that waiter now runs); with nobody waiting
  // the slot becomes free.
  std::optional<Ticket> finish(std::optional<std::string_view> client);

  // Refuses every waiter whose deadline is at or before `now` (kWaitExceeded): their tickets,
  // oldest first. They hold no place afterwards.
  std::vector<Ticket> expire(TimePoint now);

  // Takes a waiter out of the queue without running it (its caller gave up). False when the
  // ticket is not waiting (already given a slot, expired, or unknown).
  bool leave(Ticket ticket);

  // Whether `ticket` is still waiting.
  bool is_waiting(Ticket ticket) const;
  // The earliest deadline of the waiters; nullopt when nobody waits.
  std::optional<TimePoint> next_deadline() const;

  std::size_t running() const noexcept { return running_; }
  std::size_t waiting() const noexcept { return waiters_.size(); }
  std::size_t waiting_of(std::string_view client) const;
  std::size_t running_of(std::optional<std::string_view> client) const;
  const AdmissionLimits& limits() const noexcept { return limits_; }

 private:
  struct Waiter {
    Ticket ticket;
    std::optional<std::string> client;
    TimePoint deadline;
  };
  void forget(const Waiter& waiter);  // drops its place in the per-client count
  void count_running(const std::optional<std::string>& client, bool started);

  const AdmissionLimits limits_;
  std::size_t running_ = 0;
  Ticket next_ticket_ = 1;
  std::deque<Waiter> waiters_;  // oldest first
  // Only clients with someone waiting, resp. running, are in these maps (bounded by
  // queue_max, resp. slots).
  std::unordered_map<std::string, std::size_t> waiting_by_client_;
  std::unordered_map<std::string, std::size_t> running_by_client_;
  std::size_t running_without_client_ = 0;
};

}  // namespace authkit::detail
