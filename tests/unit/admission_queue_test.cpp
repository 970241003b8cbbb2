// AdmissionQueue: the bookkeeping of the password-hashing queue, with explicit times: who runs,
// who waits in which order, which bounds refuse whom, and when a waiter gives up.
#include <catch2/catch.hpp>

#include <chrono>
#include <deque>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "password/admission_queue.hpp"

using authkit::detail::AdmissionLimits;
using authkit::detail::AdmissionQueue;
using authkit::detail::AdmissionRefusal;
using Verdict = AdmissionQueue::Verdict;
using namespace std::chrono_literals;

namespace {

const AdmissionQueue::TimePoint kT0{std::chrono::hours(1)};

AdmissionLimits limits(std::size_t slots, std::size_t queue_max, std::size_t per_client,
                       std::chrono::milliseconds max_wait = 1000ms) {
  return AdmissionLimits{slots, queue_max, per_client, max_wait};
}

}  // namespace

TEST_CASE("admission: callers run while slots are free, then wait, then are refused",
          "[admission]") {
  AdmissionQueue q(limits(2, 3, 3));
  CHECK(q.arrive("a", kT0).verdict == Verdict::kRun);
  CHECK(q.arrive("b", kT0).verdict == Verdict::kRun);
  CHECK(q.running() == 2);
  for (int i = 0; i < 3; ++i) {
    const auto waiting = q.arrive("c" + std::to_string(i), kT0);
    CHECK(waiting.verdict == Verdict::kWait);
    CHECK(waiting.deadline == kT0 + 1000ms);
  }
  CHECK(q.waiting() == 3);
  const auto refused = q.arrive("d", kT0);
  CHECK(refused.verdict == Verdict::kRefused);
  CHECK(refused.refusal == AdmissionRefusal::kQueueFull);
  // A refusal takes nothing.
  CHECK(q.running() == 2);
  CHECK(q.waiting() == 3);
}

TEST_CASE("admission: one client's waiters are served first come, first served", "[admission]") {
  AdmissionQueue q(limits(1, 10, 10));
  REQUIRE(q.arrive("a", kT0).verdict == Verdict::kRun);
  std::vector<AdmissionQueue::Ticket> order;
  for (int i = 0; i < 4; ++i) {
    const auto arrival = q.arrive("b", kT0 + i * 1ms);
    REQUIRE(arrival.verdict == Verdict::kWait);
    order.push_back(arrival.ticket);
  }
  std::vector<AdmissionQueue::Ticket> served;
  std::optional<std::string> finishing = "a";
  while (auto next = q.finish(finishing)) {
    served.push_back(*next);
    finishing = "b";
    CHECK(q.running() == 1);  // the slot changed hands, never freed while someone waits
    CHECK(q.running_of("b") == 1);
  }
  CHECK(served == order);
  CHECK(q.waiting() == 0);
  CHECK(q.running() == 0);  // the last finish() freed it
  CHECK(q.running_of("b") == 0);
  CHECK(q.arrive("late", kT0 + 10ms).verdict == Verdict::kRun);
}

TEST_CASE("admission: a freed slot goes to the client with the fewest running, then the oldest",
          "[admission]") {
  AdmissionQueue q(limits(3, 10, 10));
  // A flood holds every slot and three waiting places; a lone caller from elsewhere arrives last.
  for (int i = 0; i < 3; ++i) REQUIRE(q.arrive("flood", kT0).verdict == Verdict::kRun);
  std::vector<AdmissionQueue::Ticket> flood;
  for (int i = 0; i < 3; ++i) flood.push_back(q.arrive("flood", kT0 + 1ms).ticket);
  const auto lone = q.arrive("lone", kT0 + 2ms);
  const auto anonymous = q.arrive(std::nullopt, kT0 + 3ms);
  REQUIRE(lone.verdict == Verdict::kWait);
  REQUIRE(anonymous.verdict == Verdict::kWait);

  // "lone" and the caller without an address run nothing: they go first, oldest first.
  CHECK(q.finish("flood") == lone.ticket);
  CHECK(q.finish("flood") == anonymous.ticket);
  CHECK(q.running_of("flood") == 1);
  CHECK(q.running_of("lone") == 1);
  CHECK(q.running_of(std::nullopt) == 1);
  // Then the flood's own waiters, in their order, as slots free up.
  CHECK(q.finish("lone") == flood[0]);
  CHECK(q.finish(std::nullopt) == flood[1]);
  CHECK(q.finish("flood") == flood[2]);
  CHECK(q.waiting() == 0);
  CHECK(q.running() == 3);
  CHECK(q.running_of("flood") == 3);
}

TEST_CASE("admission: one client holds at most its share of the waiting places", "[admission]") {
  AdmissionQueue q(limits(1, 6, 2));
  REQUIRE(q.arrive("flood", kT0).verdict == Verdict::kRun);
  CHECK(q.arrive("flood", kT0).verdict == Verdict::kWait);
  CHECK(q.arrive("flood", kT0).verdict == Verdict::kWait);
  const auto third = q.arrive("flood", kT0);
  CHECK(third.verdict == Verdict::kRefused);
  CHECK(third.refusal == AdmissionRefusal::kClientShare);
  CHECK(q.waiting_of("flood") == 2);
  // Others still find room, each within its own share.
  CHECK(q.arrive("other", kT0).verdict == Verdict::kWait);
  CHECK(q.arrive("third", kT0).verdict == Verdict::kWait);
  CHECK(q.arrive("third", kT0).verdict == Verdict::kWait);
  CHECK(q.arrive("third", kT0).refusal == AdmissionRefusal::kClientShare);
  // Callers without an address are bounded by the queue's length only.
  CHECK(q.arrive(std::nullopt, kT0).verdict == Verdict::kWait);
  CHECK(q.arrive(std::nullopt, kT0).refusal == AdmissionRefusal::kQueueFull);

  // A flood waiter served frees a place of its share ("other" and "third" run nothing either:
  // the oldest waiter among the clients with nobody running is the flood's).
  REQUIRE(q.finish("flood"));
  CHECK(q.waiting_of("flood") == 1);
  CHECK(q.arrive("flood", kT0).verdict == Verdict::kWait);
}

TEST_CASE("admission: a waiter is refused at its deadline, not before", "[admission]") {
  AdmissionQueue q(limits(1, 4, 4, 500ms));
  REQUIRE(q.arrive("a", kT0).verdict == Verdict::kRun);
  const auto early = q.arrive("b", kT0);
  const auto late = q.arrive("c", kT0 + 200ms);
  REQUIRE(early.verdict == Verdict::kWait);
  REQUIRE(late.verdict == Verdict::kWait);
  CHECK(q.next_deadline() == kT0 + 500ms);

  CHECK(q.expire(kT0 + 499ms).empty());
  CHECK(q.expire(kT0 + 500ms) == std::vector<AdmissionQueue::Ticket>{early.ticket});
  CHECK_FALSE(q.is_waiting(early.ticket));
  CHECK(q.is_waiting(late.ticket));
  CHECK(q.next_deadline() == kT0 + 700ms);
  CHECK(q.waiting_of("b") == 0);

  // The expired waiter's place is free again; the running caller's slot is untouched.
  CHECK(q.running() == 1);
  CHECK(q.finish("a") == late.ticket);
  CHECK(q.expire(kT0 + 10s).empty());
  CHECK_FALSE(q.next_deadline());
}

TEST_CASE("admission: a waiter that leaves gives its place back", "[admission]") {
  AdmissionQueue q(limits(1, 1, 1));
  REQUIRE(q.arrive("a", kT0).verdict == Verdict::kRun);
  const auto w = q.arrive("b", kT0);
  REQUIRE(w.verdict == Verdict::kWait);
  CHECK(q.arrive("c", kT0).refusal == AdmissionRefusal::kQueueFull);
  CHECK(q.leave(w.ticket));
  CHECK_FALSE(q.leave(w.ticket));
  CHECK(q.waiting() == 0);
  CHECK(q.arrive("c", kT0).verdict == Verdict::kWait);
}

TEST_CASE("admission: a queue of 0 never lets anyone wait, 0 slots count as 1", "[admission]") {
  AdmissionQueue q(limits(0, 0, 0));
  CHECK(q.limits().slots == 1);
  CHECK(q.limits().per_client_max == 1);
  CHECK(q.arrive("a", kT0).verdict == Verdict::kRun);
  CHECK(q.arrive("b", kT0).refusal == AdmissionRefusal::kQueueFull);
  CHECK_FALSE(q.finish("a"));
  CHECK(q.running() == 0);
}

TEST_CASE("admission: many arrivals keep the bounds and serve everyone queued in order",
          "[admission]") {
  // A bounded simulation: 4 slots, 8 places, 3 per client, 5 clients arriving in turn while
  // slots finish every few arrivals. Invariants after every step.
  AdmissionQueue q(limits(4, 8, 3, 100ms));
  std::map<std::string, std::vector<AdmissionQueue::Ticket>> queued;  // by client
  std::map<AdmissionQueue::Ticket, std::string> client_of;
  std::map<std::string, std::vector<AdmissionQueue::Ticket>> served;
  std::deque<std::string> running;  // the clients of the running callers, oldest first
  for (int step = 0; step < 200; ++step) {
    const auto now = kT0 + step * 1ms;
    const std::string client = "c" + std::to_string(step % 5);
    const auto arrival = q.arrive(client, now);
    if (arrival.verdict == Verdict::kRun) running.push_back(client);
    if (arrival.verdict == Verdict::kWait) {
      queued[client].push_back(arrival.ticket);
      client_of[arrival.ticket] = client;
    }
    if (step % 3 == 0 && !running.empty()) {
      const std::string done = running.front();
      running.pop_front();
      if (auto next = q.finish(done)) {
        served[client_of[*next]].push_back(*next);
        running.push_back(client_of[*next]);
      }
    }
    CHECK(q.running() == running.size());
    CHECK(q.running() <= 4);
    CHECK(q.waiting() <= 8);
    for (int c = 0; c < 5; ++c) CHECK(q.waiting_of("c" + std::to_string(c)) <= 3);
    if (q.running() < 4) CHECK(q.waiting() == 0);
  }
  // Each client's callers were served in the order they queued (expire() is never called here,
  // so a queued caller stays until served; the last ones are still waiting at the end).
  CHECK_FALSE(served.empty());
  for (const auto& [client, tickets] : served) {
    const auto& mine = queued[client];
    REQUIRE(tickets.size() <= mine.size());
    CHECK(std::vector<AdmissionQueue::Ticket>(
              mine.begin(), mine.begin() + static_cast<long>(tickets.size())) == tickets);
  }
}
