// CPU time and memory: the load generator's own (getrusage), so that it is never mistaken for
// the bottleneck, and the server's (from /proc/PID), when its pid is given.
#pragma once

#include <atomic>
#include <cstdint>
#include <optional>
#include <thread>

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

// Samples a process's VmRSS every few milliseconds while it runs: the peak during the run,
// where VmHWM also counts the process's start-up.
class RssSampler {
 public:
  explicit RssSampler(int pid);
  ~RssSampler();
  RssSampler(const RssSampler&) = delete;
  RssSampler& operator=(const RssSampler&) = delete;

  std::int64_t stop();  // the peak VmRSS seen, in KiB

 private:
  int pid_;
  std::atomic<bool> stop_{false};
  std::atomic<std::int64_t> peak_kib_{0};
  std::thread thread_;
};

}  // namespace loadgen
