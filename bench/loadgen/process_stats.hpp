// CPU time and memory: the load generator's own (getrusage), so that it is never mistaken for
// the bottleneck, and the server's (from /proc/PID), when its pid is given.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <optional>
#include <thread>
#include <vector>

namespace loadgen {

struct CpuTimes {
  double user_s = 0;
  double system_s = 0;
  double total() const { return user_s + system_s; }
};

// This process, every thread included.
CpuTimes own_cpu();
std::int64_t own_max_rss_kib();

struct ProcessMemory {
  std::int64_t rss_kib = 0;  // VmRSS
  std::int64_t hwm_kib = 0;  // VmHWM: the peak RSS since the process started
};

std::optional<CpuTimes> process_cpu(int pid);
std::optional<ProcessMemory> process_memory(int pid);

struct RssSample {
  double seconds = 0;  // since the sampler started
  std::int64_t rss_kib = 0;
};

// Samples a process's VmRSS every few milliseconds while it runs: the peak during the run,
// where VmHWM also counts the process's start-up. With `every` > 0 it also keeps one sample
// per `every` (the first at the start): how the RSS moves over a long run.
class RssSampler {
 public:
  explicit RssSampler(int pid, std::chrono::milliseconds every = std::chrono::milliseconds(0));
  ~RssSampler();
  RssSampler(const RssSampler&) = delete;
  RssSampler& operator=(const RssSampler&) = delete;

  std::int64_t stop();  // the peak VmRSS seen, in KiB
  // The samples kept, with one taken at stop(); read after stop().
  const std::vector<RssSample>& series() const { return series_; }

 private:
  int pid_;
  std::chrono::milliseconds every_;
  std::atomic<bool> stop_{false};
  std::atomic<std::int64_t> peak_kib_{0};
  std::vector<RssSample> series_;  // written by the sampling thread until stop() joins it
  std::thread thread_;
};

}  // namespace loadgen
