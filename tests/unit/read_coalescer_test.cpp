// ReadCoalescer: reads that arrive together share a batch, each caller gets its own answer, and
// no caller is left waiting, whatever the batch runner does.
#include <catch2/catch.hpp>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <mutex>
#include <stdexcept>
#include <thread>
#include <vector>

#include "storage/sql/read_coalescer.hpp"

using authkit::ErrorCode;
using authkit::Result;
using authkit::storage::PendingRead;
using authkit::storage::ReadCoalescer;
using authkit::storage::SqlParam;
using authkit::storage::SqlResult;
using authkit::storage::Stmt;

namespace {

using namespace std::chrono_literals;
// Patience and queue limit long enough never to matter, where a test is about something else.
constexpr auto kForever = std::chrono::milliseconds(std::chrono::hours(1));

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

// Waits (bounded) until `n` callers are queued behind the running batch.
void await_queued(const ReadCoalescer& coalescer, std::size_t n) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while (coalescer.queued() < n) {
    if (std::chrono::steady_clock::now() > deadline) FAIL("callers never queued: " << n);
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
}

// Holds the first batch until the test has queued what it wants behind it.
struct GatedRunner {
  EchoRunner echo;
  std::atomic<bool> open{false};
  std::atomic<int> batches{0};

  void operator()(std::span<PendingRead* const> reads) {
    if (batches++ == 0) {
      while (!open) std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    echo(reads);
  }
};

}  // namespace

TEST_CASE("a lone read runs at once, in a batch of its own", "[coalescer]") {
  EchoRunner runner;
  ReadCoalescer coalescer(1, kForever, kForever, std::ref(runner));
  CHECK(echoed(read_value(coalescer, 7)) == 7);
  CHECK(echoed(read_value(coalescer, 8)) == 8);
  CHECK(runner.sizes == std::vector<std::size_t>{1, 1});
}

TEST_CASE("reads that arrive during a batch go together in the next one", "[coalescer]") {
  GatedRunner runner;
  ReadCoalescer coalescer(1, kForever, kForever, std::ref(runner));
  std::vector<std::int64_t> got(6, -2);
  std::thread first([&] { got[0] = echoed(read_value(coalescer, 0)); });
  while (runner.batches == 0) std::this_thread::sleep_for(std::chrono::milliseconds(1));

  std::vector<std::thread> callers;
  for (std::int64_t i = 1; i <= 5; ++i)
    callers.emplace_back(
        [&, i] { got[static_cast<std::size_t>(i)] = echoed(read_value(coalescer, i)); });
  await_queued(coalescer, 5);
  runner.open = true;
  first.join();
  for (auto& t : callers) t.join();
  CHECK(got == std::vector<std::int64_t>{0, 1, 2, 3, 4, 5});
  CHECK(runner.echo.sizes == std::vector<std::size_t>{1, 5});
  CHECK(coalescer.queued() == 0);
}

TEST_CASE("a batch carries at most kMaxBatch reads; the rest follow", "[coalescer]") {
  GatedRunner runner;
  ReadCoalescer coalescer(1, kForever, kForever, std::ref(runner));
  const std::size_t queued = ReadCoalescer::kMaxBatch + 8;
  std::vector<std::int64_t> got(queued + 1, -2);
  std::thread first([&] { got[0] = echoed(read_value(coalescer, 0)); });
  while (runner.batches == 0) std::this_thread::sleep_for(std::chrono::milliseconds(1));

  std::vector<std::thread> callers;
  for (std::size_t i = 1; i <= queued; ++i) {
    callers.emplace_back(
        [&, i] { got[i] = echoed(read_value(coalescer, static_cast<std::int64_t>(i))); });
  }
  await_queued(coalescer, queued);
  runner.open = true;
  first.join();
  for (auto& t : callers) t.join();
  for (std::size_t i = 0; i <= queued; ++i) CHECK(got[i] == static_cast<std::int64_t>(i));
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
    std::atomic<bool> open{false};
    std::atomic<int> batches{0};
    ReadCoalescer coalescer(1, kForever, kForever, [&](std::span<PendingRead* const> reads) {
      if (batches++ == 0) {
        while (!open) std::this_thread::sleep_for(std::chrono::milliseconds(1));
      }
      reads[0]->result = SqlResult{};
    });
    bool first_ok = false;
    std::thread first([&] { first_ok = read_value(coalescer, 0).ok(); });
    while (batches == 0) std::this_thread::sleep_for(std::chrono::milliseconds(1));
    std::atomic<int> answered{0};
    std::atomic<int> failed{0};
    std::vector<std::thread> callers;
    for (std::int64_t i = 1; i <= 3; ++i) {
      callers.emplace_back([&, i] {
        auto r = read_value(coalescer, i);
        if (r.ok()) {
          ++answered;
        } else if (r.error().code == ErrorCode::kInternalServerError) {
          ++failed;
        }
      });
    }
    await_queued(coalescer, 3);
    open = true;
    first.join();
    for (auto& t : callers) t.join();
    CHECK(first_ok);
    CHECK(answered == 1);  // the second batch's leader
    CHECK(failed == 2);
  }
}

TEST_CASE("many threads: every caller gets its own answer, within the in-flight limit",
          "[coalescer]") {
  constexpr int kThreads = 8;
  constexpr int kReadsEach = 3000;
  constexpr std::size_t kInFlight = 2;
  std::atomic<int> running{0};
  std::atomic<int> most_running{0};
  std::atomic<std::int64_t> reads_run{0};
  EchoRunner echo;
  // No patience: every queued read tries to start a batch at once, against the limit.
  ReadCoalescer coalescer(kInFlight, 0ms, kForever, [&](std::span<PendingRead* const> reads) {
    const int now = ++running;
    int seen = most_running.load();
    while (now > seen && !most_running.compare_exchange_weak(seen, now)) {
    }
    reads_run += static_cast<std::int64_t>(reads.size());
    echo(reads);
    --running;
  });
  std::atomic<int> wrong{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kReadsEach; ++i) {
        const std::int64_t v = std::int64_t{t} * 1'000'000 + i;
        auto r = read_value(coalescer, v);
        if (!r.ok() || r->rows.size() != 1 || std::get<std::int64_t>(r->rows[0][0]) != v) ++wrong;
      }
    });
  }
  for (auto& t : threads) t.join();
  CHECK(wrong == 0);
  CHECK(reads_run == std::int64_t{kThreads} * kReadsEach);
  CHECK(most_running <= static_cast<int>(kInFlight));
  CHECK(coalescer.queued() == 0);
}

TEST_CASE("a read stuck behind a slow batch starts one of its own after the patience",
          "[coalescer]") {
  GatedRunner runner;
  ReadCoalescer coalescer(2, 20ms, kForever, std::ref(runner));
  std::int64_t first_got = -2;
  std::thread first([&] { first_got = echoed(read_value(coalescer, 1)); });
  while (runner.batches == 0) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  // The first batch is held; the second read must not wait for it.
  CHECK(echoed(read_value(coalescer, 2)) == 2);
  runner.open = true;
  first.join();
  CHECK(first_got == 1);
  CHECK(runner.echo.sizes == std::vector<std::size_t>{1, 1});
}

TEST_CASE("a read no batch takes within max_wait fails with SERVICE_UNAVAILABLE", "[coalescer]") {
  GatedRunner runner;
  ReadCoalescer coalescer(1, 5ms, 50ms, std::ref(runner));
  std::int64_t first_got = -2;
  std::thread first([&] { first_got = echoed(read_value(coalescer, 1)); });
  while (runner.batches == 0) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  // One batch at most, and it is held: the second read can only give up.
  auto r = read_value(coalescer, 2);
  const bool gave_up = !r.ok() && r.error().code == ErrorCode::kServiceUnavailable;
  const auto queued_after = coalescer.queued();
  runner.open = true;
  first.join();
  CHECK(gave_up);
  CHECK(queued_after == 0);
  CHECK(first_got == 1);
  // The coalescer works on: the next read runs at once.
  CHECK(echoed(read_value(coalescer, 3)) == 3);
}
