// ElasticThreadPool: one mutex, one condition variable; retired threads are joined by the next
// enqueue (a thread cannot join itself).
#include "elastic_thread_pool.hpp"

#include <algorithm>
#include <system_error>
#include <utility>

namespace authkit::server {
namespace {

thread_local bool running_shed_task = false;

}  // namespace

ElasticThreadPool::ElasticThreadPool(PoolLimits limits) : limits_(limits) {
  const std::lock_guard lock(mutex_);
  // Fewer threads than asked when the system refuses more: enqueue starts them later.
  for (std::size_t i = 0; i < limits_.min_threads && start_thread(); ++i) {
  }
}

ElasticThreadPool::~ElasticThreadPool() { shutdown(); }

bool ElasticThreadPool::shedding() noexcept { return running_shed_task; }

bool ElasticThreadPool::start_thread() {
  const auto id = next_id_++;
  std::thread thread;
  try {
    thread = std::thread([this, id] { run(id); });
  } catch (const std::system_error&) {
    // EAGAIN (RLIMIT_NPROC, no memory for a stack): serve with the threads there are.
    return false;
  }
  threads_.emplace(id, std::move(thread));
  ++live_;
  ++idle_;
  peak_threads_ = std::max(peak_threads_, live_);
  return true;
}

std::vector<std::thread> ElasticThreadPool::take_retired() {
  std::vector<std::thread> done;
  for (const auto id : retired_) {
    const auto it = threads_.find(id);
    if (it == threads_.end()) continue;
    done.push_back(std::move(it->second));
    threads_.erase(it);
  }
  retired_.clear();
  return done;
}

void ElasticThreadPool::join_all(std::vector<std::thread>& threads) {
  for (auto& thread : threads) {
    if (thread.joinable()) thread.join();
  }
}

void ElasticThreadPool::enqueue(std::function<void()> fn) {
  std::vector<std::thread> retired;
  bool shed = false;
  {
    const std::lock_guard lock(mutex_);
    retired = take_retired();
    // Three distinct reasons to queue, kept apart for start_thread()'s side effect.
    // NOLINTBEGIN(bugprone-branch-clone)
    if (shutdown_) {
      shed = true;
    } else if (idle_ > tasks_.size()) {
      tasks_.push_back(std::move(fn));
      work_cv_.notify_one();
    } else if (live_ < limits_.max_threads && start_thread()) {
      tasks_.push_back(std::move(fn));  // the new thread takes it once this lock is released
    } else if (live_ > 0 && tasks_.size() - std::min(idle_, tasks_.size()) < limits_.max_waiting) {
      tasks_.push_back(std::move(fn));
    } else {
      shed = true;
      ++shed_;
    }
    // NOLINTEND(bugprone-branch-clone)
  }
  join_all(retired);
  if (shed) {
    // The task owns the accepted socket: it must run to close it. The server sees
    // shedding() and answers 503 without reading the request.
    running_shed_task = true;
    try {
      fn();  // NOLINT(bugprone-use-after-move): shed is set only on the paths that kept fn
    } catch (...) {
    }
    running_shed_task = false;
  }
}

void ElasticThreadPool::run(std::uint64_t id) {
  // Counted free (idle_) from start_thread on: a task queued for a thread that is still
  // starting is not waiting.
  std::unique_lock lock(mutex_);
  while (true) {
    if (!tasks_.empty()) {
      auto task = std::move(tasks_.front());
      tasks_.pop_front();
      --idle_;
      lock.unlock();
      try {
        task();
      } catch (...) {
        // A connection's failure must not take a worker down with it.
      }
      task = nullptr;  // released before the lock: it may hold the last copy of a socket task
      lock.lock();
      ++idle_;
      continue;
    }
    if (shutdown_) {
      --idle_;
      return;
    }
    const auto ready = [this] { return !tasks_.empty() || shutdown_; };
    bool woke = true;
    if (live_ > limits_.min_threads) {
      woke = work_cv_.wait_for(lock, limits_.idle_retire, ready);
    } else {
      work_cv_.wait(lock, ready);
    }
    if (!woke && live_ > limits_.min_threads) {
      --idle_;
      --live_;
      retired_.push_back(id);  // joined by the next enqueue or by shutdown
      return;
    }
  }
}

void ElasticThreadPool::shutdown() {
  std::vector<std::thread> all;
  {
    const std::lock_guard lock(mutex_);
    if (shutdown_ && threads_.empty()) return;
    shutdown_ = true;
    for (auto& [id, thread] : threads_) all.push_back(std::move(thread));
    threads_.clear();
    retired_.clear();
  }
  work_cv_.notify_all();
  join_all(all);
}

bool ElasticThreadPool::has_waiting() const {
  const std::lock_guard lock(mutex_);
  return tasks_.size() > idle_;
}

ElasticThreadPool::Stats ElasticThreadPool::stats() const {
  const std::lock_guard lock(mutex_);
  Stats stats;
  stats.threads = live_;
  stats.busy = stats.threads - std::min(stats.threads, idle_);
  stats.waiting = tasks_.size() - std::min(idle_, tasks_.size());
  stats.peak_threads = peak_threads_;
  stats.shed = shed_;
  return stats;
}

}  // namespace authkit::server
