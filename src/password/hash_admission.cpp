// HashAdmission: the AdmissionQueue under one mutex, each waiter asleep on its own condition.
#include "password/hash_admission.hpp"

#include <utility>

namespace authkit::detail {
namespace {

class SteadyWaitClock final : public WaitClock {
 public:
  TimePoint now() const override { return std::chrono::steady_clock::now(); }
  void wait_until(std::unique_lock<std::mutex>& lock, std::condition_variable& cv,
                  TimePoint deadline) const override {
    cv.wait_until(lock, deadline);
  }
};

Error refused(AdmissionRefusal why) {
  // The client sees SERVICE_UNAVAILABLE's own message; the reason is for operators.
  switch (why) {
    case AdmissionRefusal::kQueueFull:
      return Error(ErrorCode::kServiceUnavailable, "password hashing queue is full");
    case AdmissionRefusal::kClientShare:
      return Error(ErrorCode::kServiceUnavailable,
                   "password hashing queue: this client already holds its share of it");
    case AdmissionRefusal::kWaitExceeded:
      break;
  }
  return Error(ErrorCode::kServiceUnavailable,
               "password hashing queue: no slot within the waiting limit");
}

}  // namespace

std::shared_ptr<const WaitClock> steady_wait_clock() {
  static const auto clock = std::make_shared<const SteadyWaitClock>();
  return clock;
}

HashAdmission::HashAdmission(AdmissionLimits limits, std::shared_ptr<const WaitClock> clock,
                             WaitingObserver observer)
    : clock_(clock ? std::move(clock) : steady_wait_clock()),
      observer_(std::move(observer)),
      queue_(limits) {}

Result<HashAdmission::Ticket> HashAdmission::enter(std::optional<std::string_view> client) {
  std::optional<std::string> owner;
  if (client) owner.emplace(*client);
  std::unique_lock lock(mutex_);
  const auto arrival = queue_.arrive(client, clock_->now());
  if (arrival.verdict == AdmissionQueue::Verdict::kRun) return Ticket(this, std::move(owner));
  if (arrival.verdict == AdmissionQueue::Verdict::kRefused) return refused(arrival.refusal);

  Waiter self;
  try {
    waiters_.emplace(arrival.ticket, &self);
  } catch (...) {
    queue_.leave(arrival.ticket);
    throw;
  }
  publish_locked();
  // finish() and expire_locked() change the state and drop the entry under the mutex, so the
  // entry never outlives `self`.
  while (self.state == Waiter::State::kWaiting) {
    clock_->wait_until(lock, self.cv, arrival.deadline);
    if (self.state != Waiter::State::kWaiting) break;
    const auto now = clock_->now();
    if (now >= arrival.deadline) expire_locked(now);
  }
  if (self.state == Waiter::State::kRunning) return Ticket(this, std::move(owner));
  return refused(AdmissionRefusal::kWaitExceeded);
}

void HashAdmission::expire_overdue() {
  const std::lock_guard lock(mutex_);
  expire_locked(clock_->now());
}

std::size_t HashAdmission::running() const {
  const std::lock_guard lock(mutex_);
  return queue_.running();
}

std::size_t HashAdmission::waiting() const {
  const std::lock_guard lock(mutex_);
  return queue_.waiting();
}

void HashAdmission::finish(const std::optional<std::string>& client) noexcept {
  const std::lock_guard lock(mutex_);
  const auto next = queue_.finish(client ? std::optional<std::string_view>(*client) : std::nullopt);
  if (!next) return;
  const auto it = waiters_.find(*next);
  if (it == waiters_.end()) return;  // cannot happen: every queued ticket has its waiter
  it->second->state = Waiter::State::kRunning;
  // Notified under the mutex: the waiter cannot leave (and destroy its condition) before.
  it->second->cv.notify_one();
  waiters_.erase(it);
  publish_locked();
}

void HashAdmission::expire_locked(WaitClock::TimePoint now) {
  const auto expired = queue_.expire(now);
  for (const auto ticket : expired) {
    const auto it = waiters_.find(ticket);
    if (it == waiters_.end()) continue;
    it->second->state = Waiter::State::kRefused;
    it->second->cv.notify_one();
    waiters_.erase(it);
  }
  if (!expired.empty()) publish_locked();
}

void HashAdmission::publish_locked() noexcept {
  if (!observer_) return;
  try {
    observer_(queue_.waiting());
  } catch (...) {
    // A lost sample of a gauge must not break admission.
  }
}

HashAdmission::Ticket::Ticket(Ticket&& other) noexcept
    : admission_(std::exchange(other.admission_, nullptr)), client_(std::move(other.client_)) {}

HashAdmission::Ticket& HashAdmission::Ticket::operator=(Ticket&& other) noexcept {
  if (this != &other) {
    release();
    admission_ = std::exchange(other.admission_, nullptr);
    client_ = std::move(other.client_);
  }
  return *this;
}

HashAdmission::Ticket::~Ticket() { release(); }

void HashAdmission::Ticket::release() noexcept {
  if (admission_ != nullptr) std::exchange(admission_, nullptr)->finish(client_);
}

}  // namespace authkit::detail
