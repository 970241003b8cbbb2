// ElasticThreadPool: cpp-httplib's task queue (one task per accepted connection) with threads
// that grow on demand up to a maximum and retire when idle (docs/server.md#the-http-edge).
#pragma once

#include <httplib.h>

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <map>
#include <mutex>
#include <thread>
#include <vector>

namespace authkit::server {

struct PoolLimits {
  std::size_t min_threads = 8;    // kept even when idle (HTTP_THREADS)
  std::size_t max_threads = 256;  // never more (HTTP_MAX_THREADS)
  std::size_t max_waiting = 256;  // tasks waiting for a thread when all max_threads are busy
  std::chrono::milliseconds idle_retire{10000};  // a thread above min_threads idle this long exits
};

// cpp-httplib serves a connection on one thread from its first byte to its close, in blocking
// I/O. A fixed pool of N threads is stopped by N slow clients; this one starts a thread
// whenever a connection arrives and none is free, so a slow client costs a thread (mostly
// untouched stack), not the service. Past max_threads, connections wait (at most
// max_waiting of them); past that, a new connection is shed: its task runs at once on the
// accepting thread with shedding() true, and the server answers 503 and closes.
class ElasticThreadPool final : public httplib::TaskQueue {
 public:
  explicit ElasticThreadPool(PoolLimits limits);
  ~ElasticThreadPool() override;
  ElasticThreadPool(const ElasticThreadPool&) = delete;
  ElasticThreadPool& operator=(const ElasticThreadPool&) = delete;

  void enqueue(std::function<void()> fn) override;
  // Runs every task already queued, then joins every thread (cpp-httplib calls it once the
  // listening socket is closed).
  void shutdown() override;

  // True while a task waits for a thread: an idle keep-alive connection should give its
  // thread up.
  bool has_waiting() const;
  // True on the accepting thread while a shed task runs.
  static bool shedding() noexcept;

  struct Stats {
    std::size_t threads = 0;
    std::size_t busy = 0;
    std::size_t waiting = 0;
    std::size_t peak_threads = 0;
    std::size_t shed = 0;
  };
  Stats stats() const;

 private:
  // With mutex_ held; false when the system refused a new thread (nothing changed).
  bool start_thread();
  void run(std::uint64_t id);
  std::vector<std::thread> take_retired();  // with mutex_ held
  static void join_all(std::vector<std::thread>& threads);

  const PoolLimits limits_;
  mutable std::mutex mutex_;
  std::condition_variable work_cv_;
  std::deque<std::function<void()>> tasks_;
  std::map<std::uint64_t, std::thread> threads_;
  std::vector<std::uint64_t> retired_;
  std::uint64_t next_id_ = 0;
  std::size_t live_ = 0;  // threads started and not retired
  std::size_t idle_ = 0;  // of which not running a task
  std::size_t peak_threads_ = 0;
  std::size_t shed_ = 0;
  bool shutdown_ = false;
};

}  // namespace authkit::server
