#include "runner.hpp"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <latch>
#include <memory>
#include <mutex>
#include <random>
#include <thread>

#include "connection.hpp"
#include "metrics_text.hpp"
#include "scenarios.hpp"

namespace loadgen {
namespace {

using Clock = std::chrono::steady_clock;

// Set once every main (non-probe) worker has finished; probes wait on it between iterations.
class MainDone {
 public:
  explicit MainDone(int workers) : remaining_(workers) {}

  void worker_finished() {
    std::lock_guard lock(mutex_);
    if (--remaining_ == 0) cv_.notify_all();
  }
  bool done() {
    std::lock_guard lock(mutex_);
    return remaining_ == 0;
  }
  // Sleeps until `until`; false when the main workers finished first.
  bool sleep_until(Clock::time_point until) {
    std::unique_lock lock(mutex_);
    return !cv_.wait_until(lock, until, [this] { return remaining_ == 0; });
  }

 private:
  std::mutex mutex_;
  std::condition_variable cv_;
  int remaining_;
};

struct Worker {
  const GroupSpec* spec = nullptr;
  Scenario* scenario = nullptr;  // shared by the group's workers: scenarios keep no state
  const GroupState* group = nullptr;
  WorkerState state;
  std::unique_ptr<Connection> connection;
  Recorder recorded;
  Clock::time_point last_end{};  // end of its last iteration, or the epoch when it ran none
};

std::string random_run_id() {
  std::random_device device;
  char text[16];
  std::snprintf(text, sizeof text, "lg%06x", device() & 0xFFFFFFu);
  return text;
}

Endpoint endpoint_of(const Options& options, const GroupSpec& spec) {
  return {options.host, options.port, options.timeout, spec.keep_alive, spec.source};
}

void run_worker(Worker& worker, Clock::time_point t0, MainDone& main_done) {
  const auto& spec = *worker.spec;
  const auto offset = spec.spread * (worker.state.worker - 1) / spec.workers;
  const auto start = t0 + spec.start + offset;
  const auto deadline = spec.duration ? start + *spec.duration : Clock::time_point::max();
  // A probe ends when the main groups do; a main worker sleeps through, bounded by its deadline.
  const auto sleep_until = [&](Clock::time_point until) {
    if (spec.probe) return main_done.sleep_until(until);
    std::this_thread::sleep_until(std::min(until, deadline));
    return Clock::now() < deadline;
  };
  if (spec.probe) {
    std::this_thread::sleep_until(start);
  } else if (!sleep_until(start)) {
    return;
  }
  auto next = start;
  for (long iteration = 0;; ++iteration) {
    if (spec.iterations && iteration >= *spec.iterations) break;
    // A probe measures at least once, however short the main groups were.
    if (Clock::now() >= deadline || (spec.probe && iteration > 0 && main_done.done())) break;
    if (spec.interval.count() > 0) {
      if (iteration > 0 && !sleep_until(next)) break;
      next += spec.interval;
    }
    worker.state.iteration = iteration;
    worker.scenario->iterate(*worker.connection, worker.recorded, *worker.group, worker.state);
    worker.recorded.iteration_done();
    worker.last_end = Clock::now();
    if (spec.think.count() > 0 && !sleep_until(worker.last_end + spec.think)) break;
  }
}

// The server's password-hashing CPU seconds so far, from its /metrics; an error message when
// it cannot be read (metrics disabled, a wrong token, or a server without the counter).
std::optional<double> read_hash_cpu(const Options& options, std::string& error) {
  Connection http({options.host, options.port, options.timeout, false, ""});
  const auto reply = http.get(nullptr, "", "/metrics", options.metrics_token);
  if (reply.status != 200) {
    error = "reading /metrics failed (status " + std::to_string(reply.status) + ")";
    return std::nullopt;
  }
  auto seconds = sum_samples(reply.body, kHashCpuFamily);
  if (!seconds) error = "/metrics has no " + std::string(kHashCpuFamily);
  return seconds;
}

double seconds_between(Clock::time_point from, Clock::time_point to) {
  return std::chrono::duration<double>(to - from).count();
}

}  // namespace

RunOutcome run(const Options& options) {
  RunResult result;
  result.run_id = random_run_id();

  // Preparation, unmeasured, on a connection of its own that is closed before the run (the
  // server gives each open connection a thread of its own).
  std::vector<std::unique_ptr<Scenario>> scenarios;
  std::vector<GroupState> group_states(options.groups.size());
  std::vector<Worker> workers;
  int main_workers = 0;
  {
    Connection setup({options.host, options.port, options.timeout, true, ""});
    for (std::size_t g = 0; g < options.groups.size(); ++g) {
      const auto& spec = options.groups[g];
      scenarios.push_back(make_scenario(spec.scenario));
      group_states[g].run_id = result.run_id + "g" + std::to_string(g);
      if (!scenarios.back()->prepare(setup, group_states[g])) {
        return {std::nullopt, "preparing group " + spec.name + " failed (is the server up?)"};
      }
      for (int w = 0; w < spec.workers; ++w) {
        Worker worker;
        worker.spec = &spec;
        worker.scenario = scenarios.back().get();
        worker.group = &group_states[g];
        worker.state.worker = w + 1;
        if (!scenarios.back()->prepare_worker(setup, group_states[g], worker.state)) {
          return {std::nullopt, "preparing a worker of group " + spec.name + " failed"};
        }
        worker.connection = std::make_unique<Connection>(endpoint_of(options, spec));
        workers.push_back(std::move(worker));
        if (!spec.probe) ++main_workers;
      }
    }
  }

  // A probe measures a client that was connected before the load began: its connection is
  // opened now, before the start, so that it does not queue behind a flood of new ones.
  for (auto& worker : workers) {
    if (worker.spec->probe && worker.spec->keep_alive) {
      (void)worker.connection->get(nullptr, "", "/health");
    }
  }

  // Read just before the threads start (a /metrics answer costs the server next to nothing).
  std::optional<double> hash_cpu_before;
  if (options.server_metrics) {
    std::string error;
    hash_cpu_before = read_hash_cpu(options, error);
    if (!hash_cpu_before) return {std::nullopt, error};
  }

  MainDone main_done(main_workers);
  std::latch go(static_cast<std::ptrdiff_t>(workers.size()) + 1);
  Clock::time_point t0;
  std::vector<std::thread> threads;
  threads.reserve(workers.size());
  for (auto& worker : workers) {
    threads.emplace_back([&worker, &go, &t0, &main_done] {
      go.arrive_and_wait();
      run_worker(worker, t0, main_done);
      if (!worker.spec->probe) main_done.worker_finished();
    });
  }

  std::optional<CpuTimes> server_cpu_before;
  std::optional<RssSampler> sampler;
  ServerFigures server;
  if (options.server_pid > 0) {
    server.pid = options.server_pid;
    server_cpu_before = process_cpu(options.server_pid);
    if (const auto memory = process_memory(options.server_pid)) {
      server.rss_before_kib = memory->rss_kib;
    }
    sampler.emplace(options.server_pid, options.rss_every);
  }
  const auto cpu_before = own_cpu();
  t0 = Clock::now();
  go.arrive_and_wait();
  for (auto& thread : threads) thread.join();
  const auto cpu_after = own_cpu();
  result.loadgen_cpu = {cpu_after.user_s - cpu_before.user_s,
                        cpu_after.system_s - cpu_before.system_s};
  result.loadgen_max_rss_kib = own_max_rss_kib();

  if (hash_cpu_before) {
    std::string error;
    const auto after = read_hash_cpu(options, error);
    if (!after) return {std::nullopt, error + " after the run"};
    result.server_hash_cpu_s = *after - *hash_cpu_before;
  }
  if (sampler) {
    server.rss_peak_kib = sampler->stop();
    server.rss_series = sampler->series();
    if (const auto cpu = process_cpu(options.server_pid); cpu && server_cpu_before) {
      server.cpu = {cpu->user_s - server_cpu_before->user_s,
                    cpu->system_s - server_cpu_before->system_s};
    }
    if (const auto memory = process_memory(options.server_pid)) {
      server.rss_after_kib = memory->rss_kib;
      server.hwm_kib = memory->hwm_kib;
    }
    result.server = server;
  }

  // Gather per group, in the order given.
  Clock::time_point main_end = t0;
  for (const auto& spec : options.groups) {
    GroupResult group;
    group.spec = spec;
    Clock::time_point end = t0 + spec.start;
    for (const auto& worker : workers) {
      if (worker.spec != &spec) continue;
      group.recorded.merge(worker.recorded);
      end = std::max(end, worker.last_end);
    }
    group.elapsed_s = seconds_between(t0 + spec.start, end);
    if (!spec.probe) main_end = std::max(main_end, end);
    result.groups.push_back(std::move(group));
  }
  result.wall_s = seconds_between(t0, main_end);
  return {std::move(result), ""};
}

}  // namespace loadgen
