// ReadCoalescer: reads that arrive together share a batch, each caller gets its own answer, and
// no caller is left waiting, whatever the batch runner does. Nothing here depends on how fast
// anything runs: threads are awaited by state, and time moves only when the test moves it.
#include <catch2/catch.hpp>

#include <semaphore.h>

#include <atomic>
#include <cerrno>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <exception>
#include <functional>
#include <list>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <thread>
#include <vector>

#include "storage/sql/read_coalescer.hpp"

using authkit::ErrorCode;
using authkit::Result;
// The coalescer and its vocabulary (PendingRead, SqlParam, SqlResult, Stmt, SemaphoreWaitClock).
using namespace authkit::storage;

namespace {

using namespace std::chrono_literals;
// Patience and queue limit long enough never to matter, where a test is about something else.
constexpr auto kForever = std::chrono::milliseconds(std::chrono::hours(1));
// A hang guard, not a timing assertion: only a broken coalescer takes this long.
constexpr auto kHangGuard = 20s;

// Time moves only by advance(), which posts the semaphore of every sleeper whose deadline it
// reached; a sleep otherwise ends only when the coalescer posts the semaphore itself.
class FakeSemaphoreWaitClock final : public SemaphoreWaitClock {
 public:
  TimePoint now() const override {
    const std::lock_guard lock(mutex_);
    return now_;
  }

  bool wait_until(sem_t& sem, TimePoint deadline) const override {
    std::list<Sleeper>::iterator self;
    {
      const std::lock_guard lock(mutex_);
      if (sem_trywait(&sem) == 0) return true;
      if (deadline <= now_) return false;
      self = sleepers_.insert(sleepers_.end(), Sleeper{&sem, deadline, false});
      ++sleeps_;
    }
    while (sem_wait(&sem) != 0) {
      if (errno != EINTR) std::terminate();
    }
    const std::lock_guard lock(mutex_);
    if (self->expired) {
      // advance() removed it. The post taken was advance()'s or the coalescer's; if the latter,
      // advance()'s is still there and stands in for it, so the counts add up either way.
      sleepers_expired_.erase(self);
      return false;
    }
    sleepers_.erase(self);
    return true;
  }

  void advance(std::chrono::milliseconds by) {
    const std::lock_guard lock(mutex_);
    now_ += by;
    for (auto it = sleepers_.begin(); it != sleepers_.end();) {
      const auto next = std::next(it);
      if (it->deadline <= now_) {
        it->expired = true;
        // Posted under the lock: the sleeper cannot return (and destroy its semaphore) before
        // it has taken this lock after the post.
        sem_post(it->sem);
        sleepers_expired_.splice(sleepers_expired_.end(), sleepers_, it);
      }
      it = next;
    }
  }

  // Sleeps begun so far, and sleepers asleep now.
  std::size_t sleeps() const {
    const std::lock_guard lock(mutex_);
    return sleeps_;
  }
  std::size_t sleeping() const {
    const std::lock_guard lock(mutex_);
    return sleepers_.size();
  }

 private:
  struct Sleeper {
    sem_t* sem;
    TimePoint deadline;
    bool expired;
  };
  mutable std::mutex mutex_;
  TimePoint now_{std::chrono::hours(1)};
  // Lists, so that each sleeper's iterator stays valid while others come and go.
  mutable std::list<Sleeper> sleepers_;
  mutable std::list<Sleeper> sleepers_expired_;
  mutable std::size_t sleeps_ = 0;
};

// Waits (bounded: a hang guard, not a timing assertion) until `done()` holds.
void await(const std::function<bool()>& done, const char* what,
           std::chrono::seconds guard = kHangGuard) {
  const auto deadline = std::chrono::steady_clock::now() + guard;
  while (!done()) {
    if (std::chrono::steady_clock::now() > deadline) FAIL("never happened: " << what);
    std::this_thread::yield();
  }
}

// Answers each read with one row holding its own parameter, and records the batch sizes.
struct EchoRunner {
  std::mutex mutex;
  std::vector<std::size_t> sizes;

  void operator()(std::span<PendingRead* const> reads) {
    {
      std::lock_guard lock(mutex);
      sizes.push_back(reads.size());
    }
    for (PendingRead* read : reads) {
      SqlResult r;
      r.rows.push_back({std::get<std::int64_t>(read->params[0])});
      read->result = std::move(r);
    }
  }
};

// The value a read was answered with, or -1. No assertion here: Catch2's are for the main
// thread only, so callers' threads record what they got and the test checks it after join().
std::int64_t echoed(const Result<SqlResult>& r) {
  if (!r.ok() || r->rows.size() != 1) return -1;
  const auto* v = std::get_if<std::int64_t>(&r->rows[0][0]);
  return v != nullptr ? *v : -1;
}

Result<SqlResult> read_value(ReadCoalescer& coalescer, std::int64_t value) {
  const SqlParam param = value;
  return coalescer.read(Stmt::kFindUserById, std::span<const SqlParam>(&param, 1));
}

// Holds the batches that pass it until opened. Blocks rather than spins; the wait is bounded
// by the hang guard, after which the batch goes on (and the test fails on what it then sees).
class Gate {
 public:
  void pass() {
    std::unique_lock lock(mutex_);
    ++entered_;
    changed_.notify_all();
    changed_.wait_for(lock, kHangGuard, [&] { return open_; });
  }
  void open() {
    const std::lock_guard lock(mutex_);
    open_ = true;
    changed_.notify_all();
  }
  int entered() const {
    const std::lock_guard lock(mutex_);
    return entered_;
  }

 private:
  mutable std::mutex mutex_;
  std::condition_variable changed_;
  bool open_ = false;
  int entered_ = 0;
};

// Holds the first batch until the test has queued what it wants behind it.
struct GatedRunner {
  EchoRunner echo;
  Gate gate;
  std::atomic<int> batches{0};

  void operator()(std::span<PendingRead* const> reads) {
    if (batches++ == 0) gate.pass();
    echo(reads);
  }
};

// One read in a thread of its own, its answer awaited by state.
struct Caller {
  std::atomic<bool> done{false};
  Result<SqlResult> result = SqlResult{};
  std::thread thread;

  void start(ReadCoalescer& coalescer, std::int64_t value) {
    thread = std::thread([this, &coalescer, value] {
      result = read_value(coalescer, value);
      done = true;
    });
  }
  void join() {
    await([&] { return done.load(); }, "the read returned");
    thread.join();
  }
  // Only reached with the thread running when a check failed midway: let it go rather than
  // end the process (the coalescer outlives no test, so the test binary fails either way).
  ~Caller() {
    if (thread.joinable()) thread.detach();
  }
};

// Starts the first read, whose batch the runner holds at its gate.
void start_held_batch(Caller& first, ReadCoalescer& coalescer, const Gate& gate,
                      std::int64_t value) {
  first.start(coalescer, value);
  await([&] { return gate.entered() == 1; }, "the first batch started");
}

// A coalescer on the fake clock whose first batch, of the one read `first`, the runner holds at
// its gate until the test opens it. Tests take its parts apart with a structured binding.
struct HeldFirstBatch {
  HeldFirstBatch(std::size_t max_in_flight, std::chrono::milliseconds patience,
                 std::chrono::milliseconds max_wait, std::int64_t first_value)
      : coalescer(max_in_flight, patience, max_wait, std::ref(runner), clock) {
    start_held_batch(first, coalescer, runner.gate, first_value);
  }

  std::shared_ptr<FakeSemaphoreWaitClock> clock = std::make_shared<FakeSemaphoreWaitClock>();
  GatedRunner runner;
  ReadCoalescer coalescer;
  Caller first;
};

}  // namespace

TEST_CASE("a lone read runs at once, in a batch of its own", "[coalescer]") {
  EchoRunner runner;
  // The production clock: a lone read never waits on it.
  ReadCoalescer coalescer(1, kForever, kForever, std::ref(runner));
  CHECK(echoed(read_value(coalescer, 7)) == 7);
  CHECK(echoed(read_value(coalescer, 8)) == 8);
  CHECK(runner.sizes == std::vector<std::size_t>{1, 1});
}

TEST_CASE("reads that arrive during a batch go together in the next one", "[coalescer]") {
  HeldFirstBatch held(1, kForever, kForever, 0);
  auto& [clock, runner, coalescer, first] = held;

  Caller callers[5];
  for (std::int64_t i = 1; i <= 5; ++i) callers[i - 1].start(coalescer, i);
  await([&] { return clock->sleeping() == 5; }, "5 callers queued");
  CHECK(coalescer.queued() == 5);
  runner.gate.open();
  first.join();
  for (auto& c : callers) c.join();
  CHECK(echoed(first.result) == 0);
  for (std::int64_t i = 1; i <= 5; ++i) CHECK(echoed(callers[i - 1].result) == i);
  CHECK(runner.echo.sizes == std::vector<std::size_t>{1, 5});
  CHECK(coalescer.queued() == 0);
}

TEST_CASE("a batch carries at most kMaxBatch reads, the rest follow", "[coalescer]") {
  HeldFirstBatch held(1, kForever, kForever, 0);
  auto& [clock, runner, coalescer, first] = held;

  constexpr std::size_t kQueued = ReadCoalescer::kMaxBatch + 8;
  std::vector<Caller> callers(kQueued);
  for (std::size_t i = 0; i < kQueued; ++i)
    callers[i].start(coalescer, static_cast<std::int64_t>(i + 1));
  await([&] { return clock->sleeping() == kQueued; }, "every caller queued");
  runner.gate.open();
  first.join();
  for (auto& c : callers) c.join();
  CHECK(echoed(first.result) == 0);
  for (std::size_t i = 0; i < kQueued; ++i)
    CHECK(echoed(callers[i].result) == static_cast<std::int64_t>(i + 1));
  CHECK(runner.echo.sizes == std::vector<std::size_t>{1, ReadCoalescer::kMaxBatch, 8});
}

TEST_CASE("a runner that throws or answers too little leaves no caller waiting", "[coalescer]") {
  SECTION("throws") {
    ReadCoalescer coalescer(1, kForever, kForever, [](std::span<PendingRead* const>) {
      throw std::runtime_error("connection pool on fire");
    });
    auto r = read_value(coalescer, 1);
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().code == ErrorCode::kInternalServerError);
    CHECK(r.error().diagnostic.find("connection pool on fire") != std::string::npos);
  }
  SECTION("answers only the first read of a batch") {
    auto clock = std::make_shared<FakeSemaphoreWaitClock>();
    Gate gate;
    std::atomic<int> batches{0};
    ReadCoalescer coalescer(
        1, kForever, kForever,
        [&](std::span<PendingRead* const> reads) {
          if (batches++ == 0) gate.pass();
          reads[0]->result = SqlResult{};
        },
        clock);
    Caller first;
    start_held_batch(first, coalescer, gate, 0);
    Caller callers[3];
    for (std::int64_t i = 1; i <= 3; ++i) callers[i - 1].start(coalescer, i);
    await([&] { return clock->sleeping() == 3; }, "3 callers queued");
    gate.open();
    first.join();
    for (auto& c : callers) c.join();
    CHECK(first.result.ok());
    int answered = 0;
    int failed = 0;
    for (const auto& c : callers) {
      if (c.result.ok()) {
        ++answered;
      } else if (c.result.error().code == ErrorCode::kInternalServerError) {
        ++failed;
      }
    }
    CHECK(answered == 1);  // the second batch's leader
    CHECK(failed == 2);
  }
}

TEST_CASE("many threads: every caller gets its own answer, within the in-flight limit",
          "[coalescer]") {
  constexpr int kThreads = 8;
  constexpr int kReadsEach = 3000;
  constexpr std::size_t kInFlight = 2;
  auto clock = std::make_shared<FakeSemaphoreWaitClock>();
  std::atomic<int> running{0};
  std::atomic<int> most_running{0};
  std::atomic<std::int64_t> reads_run{0};
  EchoRunner echo;
  // No patience: every queued read tries to start a batch at once, against the limit. The
  // clock never moves, so no read ever reaches its queue limit.
  ReadCoalescer coalescer(
      kInFlight, 0ms, kForever,
      [&](std::span<PendingRead* const> reads) {
        const int now = ++running;
        int seen = most_running.load();
        while (now > seen && !most_running.compare_exchange_weak(seen, now)) {
        }
        reads_run += static_cast<std::int64_t>(reads.size());
        echo(reads);
        --running;
      },
      clock);
  std::atomic<int> wrong{0};
  std::atomic<int> finished{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kReadsEach; ++i) {
        const std::int64_t v = std::int64_t{t} * 1'000'000 + i;
        auto r = read_value(coalescer, v);
        if (!r.ok() || r->rows.size() != 1 || std::get<std::int64_t>(r->rows[0][0]) != v) ++wrong;
      }
      ++finished;
    });
  }
  // Far beyond what 24,000 reads of a few microseconds take, even under ThreadSanitizer.
  await([&] { return finished == kThreads; }, "every thread finished its reads", 300s);
  for (auto& t : threads) t.join();
  CHECK(wrong == 0);
  CHECK(reads_run == std::int64_t{kThreads} * kReadsEach);
  CHECK(most_running <= static_cast<int>(kInFlight));
  CHECK(coalescer.queued() == 0);
}

TEST_CASE("a read stuck behind a slow batch starts one of its own after the patience",
          "[coalescer]") {
  HeldFirstBatch held(2, 20ms, kForever, 1);
  auto& [clock, runner, coalescer, first] = held;
  Caller second;
  second.start(coalescer, 2);
  await([&] { return clock->sleeping() == 1; }, "the second read queued");

  // Short of the patience, it waits for the held batch, though a batch slot is free.
  clock->advance(19ms);
  CHECK(clock->sleeping() == 1);
  CHECK(coalescer.queued() == 1);
  CHECK_FALSE(second.done);

  // At the patience, it runs a batch of its own: the held one does not hold it.
  clock->advance(1ms);
  second.join();
  CHECK(echoed(second.result) == 2);
  CHECK_FALSE(first.done);
  runner.gate.open();
  first.join();
  CHECK(echoed(first.result) == 1);
  CHECK(runner.echo.sizes == std::vector<std::size_t>{1, 1});
}

TEST_CASE("a read no batch takes within max_wait fails with SERVICE_UNAVAILABLE", "[coalescer]") {
  HeldFirstBatch held(1, 5ms, 50ms, 1);
  auto& [clock, runner, coalescer, first] = held;
  // One batch at most, and it is held: the second read can only give up.
  Caller second;
  second.start(coalescer, 2);
  await([&] { return clock->sleeps() == 1; }, "the second read queued");

  // Out of patience with no slot free: it sleeps again, still queued.
  clock->advance(5ms);
  await([&] { return clock->sleeps() == 2; }, "the second read slept again");
  clock->advance(44ms);
  await([&] { return clock->sleeps() == 3; }, "the second read slept a third time");
  CHECK(coalescer.queued() == 1);
  CHECK_FALSE(second.done);

  // At max_wait it gives up, unqueued.
  clock->advance(1ms);
  second.join();
  REQUIRE_FALSE(second.result.ok());
  CHECK(second.result.error().code == ErrorCode::kServiceUnavailable);
  CHECK(coalescer.queued() == 0);
  runner.gate.open();
  first.join();
  CHECK(echoed(first.result) == 1);
  // The coalescer works on: the next read runs at once.
  CHECK(echoed(read_value(coalescer, 3)) == 3);
}
