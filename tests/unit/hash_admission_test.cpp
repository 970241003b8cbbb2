// HashAdmission: real threads waiting in the queue, a fake clock for the waiting limit. Nothing
// here depends on how fast anything runs: threads are awaited by state, time only moves when
// the test moves it.
#include <catch2/catch.hpp>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "password/hash_admission.hpp"

using authkit::ErrorCode;
using authkit::detail::AdmissionLimits;
using authkit::detail::HashAdmission;
using authkit::detail::WaitClock;
using namespace std::chrono_literals;

namespace {

// Time moves only by advance(); a wait ends only when the waiter is notified.
class FakeWaitClock final : public WaitClock {
 public:
  TimePoint now() const override {
    const std::lock_guard lock(mutex_);
    return now_;
  }
  void wait_until(std::unique_lock<std::mutex>& lock, std::condition_variable& cv,
                  TimePoint) const override {
    cv.wait(lock);
  }
  void advance(std::chrono::milliseconds d) {
    const std::lock_guard lock(mutex_);
    now_ += d;
  }

 private:
  mutable std::mutex mutex_;
  TimePoint now_{std::chrono::hours(1)};
};

// Waits (bounded: a hang guard, not a timing assertion) until `done()` holds.
void await(const std::function<bool()>& done, const char* what) {
  const auto deadline = std::chrono::steady_clock::now() + 20s;
  while (!done()) {
    if (std::chrono::steady_clock::now() > deadline) FAIL("never happened: " << what);
    std::this_thread::yield();
  }
}

// One caller in a thread of its own: enters, records the outcome, holds its ticket until told.
struct Caller {
  std::atomic<int> outcome{0};  // 0 pending, 1 admitted, 2 refused
  std::string diagnostic;
  std::atomic<bool> release{false};
  std::thread thread;

  void start(HashAdmission& admission, std::optional<std::string> client,
             std::vector<int>* order = nullptr, std::mutex* order_mutex = nullptr, int id = 0) {
    thread = std::thread([this, &admission, client, order, order_mutex, id] {
      auto ticket =
          admission.enter(client ? std::optional<std::string_view>(*client) : std::nullopt);
      if (!ticket) {
        diagnostic = ticket.error().diagnostic;
        outcome = ticket.error().code == ErrorCode::kServiceUnavailable ? 2 : 3;
        return;
      }
      if (order != nullptr) {
        const std::lock_guard lock(*order_mutex);
        order->push_back(id);
      }
      outcome = 1;
      while (!release) std::this_thread::yield();
    });
  }
  void finish() {
    release = true;
    if (thread.joinable()) thread.join();
  }
  // Only reached with the thread running when a check failed midway: let it go rather than
  // end the process.
  ~Caller() {
    release = true;
    if (thread.joinable()) thread.detach();
  }
};

}  // namespace

TEST_CASE("hash admission: a waiter runs when a slot is handed to it, in arrival order",
          "[admission]") {
  auto clock = std::make_shared<FakeWaitClock>();
  std::vector<std::size_t> published;
  std::mutex published_mutex;
  HashAdmission admission(AdmissionLimits{1, 4, 4, 1000ms}, clock, [&](std::size_t n) {
    const std::lock_guard lock(published_mutex);
    published.push_back(n);
  });
  auto first = admission.enter("a");
  REQUIRE(first);
  CHECK(admission.running() == 1);

  std::vector<int> order;
  std::mutex order_mutex;
  Caller callers[3];
  for (int i = 0; i < 3; ++i) {
    callers[i].start(admission, "client-" + std::to_string(i), &order, &order_mutex, i);
    // One at a time, so that the arrival order is known.
    await([&] { return admission.waiting() == static_cast<std::size_t>(i + 1); }, "queued");
  }
  CHECK(admission.running() == 1);  // waiting takes no slot

  first->release();
  for (int i = 0; i < 3; ++i) {
    await([&] { return callers[i].outcome == 1; }, "admitted");
    CHECK(admission.running() == 1);
    callers[i].finish();
  }
  CHECK(order == std::vector<int>{0, 1, 2});
  CHECK(admission.running() == 0);
  CHECK(admission.waiting() == 0);
  const std::lock_guard lock(published_mutex);
  CHECK(published == std::vector<std::size_t>{1, 2, 3, 2, 1, 0});
}

TEST_CASE("hash admission: a full queue or a client's full share is refused at once",
          "[admission]") {
  // On a clock that never moves: no waiter gives up, every refusal here is at once.
  HashAdmission admission(AdmissionLimits{1, 3, 2, 1000ms}, std::make_shared<FakeWaitClock>());
  auto running = admission.enter("flood");
  REQUIRE(running);
  Caller waiters[3];
  // One at a time, so that the queue's order is the order of `waiters` (served in turn below).
  waiters[0].start(admission, "flood");
  await([&] { return admission.waiting() == 1; }, "first flood waiter");
  waiters[1].start(admission, "flood");
  await([&] { return admission.waiting() == 2; }, "two flood waiters");

  auto share = admission.enter("flood");
  REQUIRE_FALSE(share);
  CHECK(share.error().code == ErrorCode::kServiceUnavailable);
  CHECK(share.error().status == 503);
  CHECK(share.error().diagnostic.find("share") != std::string::npos);

  waiters[2].start(admission, "other");
  await([&] { return admission.waiting() == 3; }, "another client queued");
  auto full = admission.enter(std::nullopt);
  REQUIRE_FALSE(full);
  CHECK(full.error().diagnostic.find("full") != std::string::npos);

  running->release();
  for (auto& w : waiters) {
    await([&] { return w.outcome == 1; }, "served in turn");
    w.finish();
  }
}

TEST_CASE("hash admission: a waiter gives up at its deadline on the clock, with 503",
          "[admission]") {
  auto clock = std::make_shared<FakeWaitClock>();
  HashAdmission admission(AdmissionLimits{1, 4, 4, 500ms}, clock);
  auto running = admission.enter("a");
  REQUIRE(running);
  Caller early;
  early.start(admission, "b");
  await([&] { return admission.waiting() == 1; }, "first waiter");
  clock->advance(300ms);
  Caller late;
  late.start(admission, "c");
  await([&] { return admission.waiting() == 2; }, "second waiter");

  clock->advance(199ms);  // 499 ms for the first: not yet
  admission.expire_overdue();
  CHECK(admission.waiting() == 2);
  CHECK(early.outcome == 0);

  clock->advance(1ms);  // 500 ms: the first gives up, the second (200 ms) stays
  admission.expire_overdue();
  await([&] { return early.outcome != 0; }, "the first waiter refused");
  CHECK(early.outcome == 2);
  CHECK(early.diagnostic.find("waiting limit") != std::string::npos);
  CHECK(admission.waiting() == 1);
  CHECK(late.outcome == 0);

  running->release();  // the slot goes to the waiter still there
  await([&] { return late.outcome == 1; }, "the second waiter admitted");
  early.finish();
  late.finish();
  CHECK(admission.running() == 0);
}

TEST_CASE("hash admission: the steady clock's waits end by themselves at the deadline",
          "[admission]") {
  // The production clock: a waiter nobody serves is refused once max_wait has passed. Only the
  // outcome is checked, never how long it took.
  HashAdmission admission(AdmissionLimits{1, 1, 1, 1ms});
  auto running = admission.enter(std::nullopt);
  REQUIRE(running);
  auto waited = admission.enter(std::nullopt);
  REQUIRE_FALSE(waited);
  CHECK(waited.error().code == ErrorCode::kServiceUnavailable);
  CHECK(admission.waiting() == 0);
  CHECK(admission.running() == 1);
}

TEST_CASE("hash admission: tickets move and give their slot back once", "[admission]") {
  HashAdmission admission(AdmissionLimits{2, 0, 1, 1000ms});
  {
    auto a = admission.enter("x");
    REQUIRE(a);
    HashAdmission::Ticket moved = std::move(*a);
    CHECK(moved);
    CHECK_FALSE(*a);  // NOLINT(bugprone-use-after-move): checking the moved-from state
    CHECK(admission.running() == 1);
    moved.release();
    moved.release();
    CHECK(admission.running() == 0);
  }
  CHECK(admission.running() == 0);
}
