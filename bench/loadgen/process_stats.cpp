#include "process_stats.hpp"

#include <sys/resource.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <sstream>
#include <string>

namespace loadgen {
namespace {

double seconds(const timeval& tv) {
  return static_cast<double>(tv.tv_sec) + static_cast<double>(tv.tv_usec) / 1e6;
}

}  // namespace

CpuTimes own_cpu() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return {seconds(usage.ru_utime), seconds(usage.ru_stime)};
}

std::int64_t own_max_rss_kib() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return usage.ru_maxrss;
}

std::optional<CpuTimes> process_cpu(int pid) {
  std::ifstream file("/proc/" + std::to_string(pid) + "/stat");
  std::string line;
  if (!std::getline(file, line)) return std::nullopt;
  // The command name (field 2) may hold spaces: count fields from its closing parenthesis.
  const auto paren = line.rfind(')');
  if (paren == std::string::npos) return std::nullopt;
  std::istringstream rest(line.substr(paren + 2));
  std::string field;
  long long utime = 0;
  long long stime = 0;
  for (int index = 3; index <= 15 && rest >> field; ++index) {
    if (index == 14) utime = std::stoll(field);
    if (index == 15) stime = std::stoll(field);
  }
  const auto ticks = static_cast<double>(sysconf(_SC_CLK_TCK));
  return CpuTimes{static_cast<double>(utime) / ticks, static_cast<double>(stime) / ticks};
}

std::optional<ProcessMemory> process_memory(int pid) {
  std::ifstream file("/proc/" + std::to_string(pid) + "/status");
  if (!file) return std::nullopt;
  ProcessMemory memory;
  std::string key;
  while (file >> key) {
    if (key == "VmRSS:") file >> memory.rss_kib;
    if (key == "VmHWM:") file >> memory.hwm_kib;
    file.ignore(4096, '\n');
  }
  return memory;
}

RssSampler::RssSampler(int pid, std::chrono::milliseconds every) : pid_(pid), every_(every) {
  thread_ = std::thread([this] {
    using Clock = std::chrono::steady_clock;
    const auto start = Clock::now();
    auto next_kept = start;
    bool last = false;
    while (!last) {
      last = stop_.load();  // one more sample after stop(): the series ends at the run's end
      const auto now = Clock::now();
      if (const auto memory = process_memory(pid_)) {
        if (memory->rss_kib > peak_kib_.load()) peak_kib_.store(memory->rss_kib);
        if (every_.count() > 0 && (now >= next_kept || last)) {
          series_.push_back({std::chrono::duration<double>(now - start).count(), memory->rss_kib});
          while (next_kept <= now) next_kept += every_;
        }
      }
      if (!last) std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
  });
}

RssSampler::~RssSampler() { stop(); }

std::int64_t RssSampler::stop() {
  stop_.store(true);
  if (thread_.joinable()) thread_.join();
  return peak_kib_.load();
}

}  // namespace loadgen
