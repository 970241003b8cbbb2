// Runs the groups: prepares each (unmeasured), starts every worker at once, stops each group
// after its duration or iteration count (probes when the other groups are done), and gathers
// what the workers recorded with the CPU time both sides spent meanwhile.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "options.hpp"
#include "process_stats.hpp"
#include "recorder.hpp"

namespace loadgen {

struct GroupResult {
  GroupSpec spec;
  Recorder recorded;
  double elapsed_s = 0;  // from the group's start to the end of its last iteration
};

struct ServerFigures {
  int pid = 0;
  CpuTimes cpu;  // spent during the run
  std::int64_t rss_before_kib = 0;
  std::int64_t rss_peak_kib = 0;  // the highest VmRSS sampled during the run
  std::int64_t rss_after_kib = 0;
  std::int64_t hwm_kib = 0;           // VmHWM after the run: the peak since the server started
  std::vector<RssSample> rss_series;  // with Options::rss_every
};

struct RunResult {
  std::string run_id;
  std::vector<GroupResult> groups;
  double wall_s = 0;     // from the common start to the end of the last main group
  CpuTimes loadgen_cpu;  // this process, during the run (setup excluded)
  std::int64_t loadgen_max_rss_kib = 0;
  std::optional<ServerFigures> server;
  // With Options::server_metrics: the CPU seconds the server spent hashing passwords during
  // the run (its auth_api_password_hash_cpu_seconds_total, read before and after).
  std::optional<double> server_hash_cpu_s;
};

// The run's result, or an error message (a group whose preparation failed).
struct RunOutcome {
  std::optional<RunResult> result;
  std::string error;
};

RunOutcome run(const Options& options);

}  // namespace loadgen
