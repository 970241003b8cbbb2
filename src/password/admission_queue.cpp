// AdmissionQueue: slot counting, a FIFO of waiters with per-client places, deadlines.
#include "password/admission_queue.hpp"

#include <algorithm>
#include <iterator>
#include <utility>

namespace authkit::detail {
namespace {

AdmissionLimits normalised(AdmissionLimits limits) {
  limits.slots = std::max<std::size_t>(limits.slots, 1);
  limits.per_client_max = std::max<std::size_t>(limits.per_client_max, 1);
  return limits;
}

}  // namespace

AdmissionQueue::AdmissionQueue(AdmissionLimits limits) : limits_(normalised(limits)) {}

AdmissionQueue::Arrival AdmissionQueue::arrive(std::optional<std::string_view> client,
                                               TimePoint now) {
  Arrival arrival;
  if (running_ < limits_.slots) {
    // The invariant: a free slot means nobody waits, so running now overtakes no one.
    ++running_;
    count_running(client ? std::optional<std::string>(*client) : std::nullopt, true);
    arrival.verdict = Verdict::kRun;
    return arrival;
  }
  arrival.verdict = Verdict::kRefused;
  if (waiters_.size() >= limits_.queue_max) {
    arrival.refusal = AdmissionRefusal::kQueueFull;
    return arrival;
  }
  if (client && waiting_of(*client) >= limits_.per_client_max) {
    arrival.refusal = AdmissionRefusal::kClientShare;
    return arrival;
  }
  Waiter waiter{next_ticket_++, std::nullopt, now + limits_.max_wait};
  if (client) {
    waiter.client = std::string(*client);
    ++waiting_by_client_[*waiter.client];
  }
  arrival.verdict = Verdict::kWait;
  arrival.ticket = waiter.ticket;
  arrival.deadline = waiter.deadline;
  waiters_.push_back(std::move(waiter));
  return arrival;
}

std::optional<AdmissionQueue::Ticket> AdmissionQueue::finish(
    std::optional<std::string_view> client) {
  count_running(client ? std::optional<std::string>(*client) : std::nullopt, false);
  if (waiters_.empty()) {
    if (running_ > 0) --running_;
    return std::nullopt;
  }
  // The slot changes hands (running_ stays the same): to the oldest waiter among the clients
  // with the fewest callers running. Linear in the waiters, who are at most queue_max.
  auto chosen = waiters_.begin();
  std::size_t fewest = running_of(chosen->client);
  for (auto it = std::next(waiters_.begin()); it != waiters_.end() && fewest > 0; ++it) {
    const std::size_t running = running_of(it->client);
    if (running < fewest) {
      chosen = it;
      fewest = running;
    }
  }
  Waiter next = std::move(*chosen);
  waiters_.erase(chosen);
  forget(next);
  count_running(next.client, true);
  return next.ticket;
}

std::vector<AdmissionQueue::Ticket> AdmissionQueue::expire(TimePoint now) {
  std::vector<Ticket> expired;
  // Deadlines usually grow from front to back, but the time comes from the caller: look at all.
  for (auto it = waiters_.begin(); it != waiters_.end();) {
    if (it->deadline <= now) {
      expired.push_back(it->ticket);
      forget(*it);
      it = waiters_.erase(it);
    } else {
      ++it;
    }
  }
  return expired;
}

bool AdmissionQueue::leave(Ticket ticket) {
  const auto it = std::find_if(waiters_.begin(), waiters_.end(),
                               [ticket](const Waiter& w) { return w.ticket == ticket; });
  if (it == waiters_.end()) return false;
  forget(*it);
  waiters_.erase(it);
  return true;
}

bool AdmissionQueue::is_waiting(Ticket ticket) const {
  return std::any_of(waiters_.begin(), waiters_.end(),
                     [ticket](const Waiter& w) { return w.ticket == ticket; });
}

std::optional<AdmissionQueue::TimePoint> AdmissionQueue::next_deadline() const {
  std::optional<TimePoint> earliest;
  for (const auto& w : waiters_) {
    if (!earliest || w.deadline < *earliest) earliest = w.deadline;
  }
  return earliest;
}

std::size_t AdmissionQueue::waiting_of(std::string_view client) const {
  const auto it = waiting_by_client_.find(std::string(client));
  return it == waiting_by_client_.end() ? 0 : it->second;
}

std::size_t AdmissionQueue::running_of(std::optional<std::string_view> client) const {
  if (!client) return running_without_client_;
  const auto it = running_by_client_.find(std::string(*client));
  return it == running_by_client_.end() ? 0 : it->second;
}

void AdmissionQueue::count_running(const std::optional<std::string>& client, bool started) {
  if (!client) {
    if (started) {
      ++running_without_client_;
    } else if (running_without_client_ > 0) {
      --running_without_client_;
    }
    return;
  }
  if (started) {
    ++running_by_client_[*client];
    return;
  }
  const auto it = running_by_client_.find(*client);
  if (it == running_by_client_.end()) return;
  if (--it->second == 0) running_by_client_.erase(it);
}

void AdmissionQueue::forget(const Waiter& waiter) {
  if (!waiter.client) return;
  const auto it = waiting_by_client_.find(*waiter.client);
  if (it == waiting_by_client_.end()) return;
  // Erased at zero, so the map holds only clients with someone waiting (bounded by queue_max).
  if (--it->second == 0) waiting_by_client_.erase(it);
}

}  // namespace authkit::detail
