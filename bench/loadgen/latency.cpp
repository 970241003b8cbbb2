#include "latency.hpp"

#include <algorithm>
#include <numeric>

namespace loadgen {
namespace {

double percentile(const std::vector<std::uint32_t>& sorted, double q) {
  const double rank = q * static_cast<double>(sorted.size() - 1);
  const auto lower = static_cast<std::size_t>(rank);
  const auto upper = std::min(lower + 1, sorted.size() - 1);
  const double fraction = rank - static_cast<double>(lower);
  return static_cast<double>(sorted[lower]) +
         (static_cast<double>(sorted[upper]) - static_cast<double>(sorted[lower])) * fraction;
}

}  // namespace

LatencySummary summarise_latency(std::vector<std::uint32_t> samples_us) {
  LatencySummary summary;
  summary.count = samples_us.size();
  if (samples_us.empty()) return summary;
  std::sort(samples_us.begin(), samples_us.end());
  const double sum = std::accumulate(samples_us.begin(), samples_us.end(), 0.0);
  constexpr double kMs = 1e-3;
  summary.min = samples_us.front() * kMs;
  summary.max = samples_us.back() * kMs;
  summary.avg = sum / static_cast<double>(samples_us.size()) * kMs;
  summary.p50 = percentile(samples_us, 0.50) * kMs;
  summary.p90 = percentile(samples_us, 0.90) * kMs;
  summary.p95 = percentile(samples_us, 0.95) * kMs;
  summary.p99 = percentile(samples_us, 0.99) * kMs;
  return summary;
}

}  // namespace loadgen
