// Latency percentiles from every sample (no histogram buckets): exact for the run's samples.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace loadgen {

struct LatencySummary {  // milliseconds
  std::size_t count = 0;
  double min = 0, avg = 0, p50 = 0, p90 = 0, p95 = 0, p99 = 0, max = 0;
};

// Percentiles interpolate linearly between the two nearest ranks (as k6's trend metrics do):
// p = sorted[(n - 1) * q], interpolated.
LatencySummary summarise_latency(std::vector<std::uint32_t> samples_us);

}  // namespace loadgen
