#include "recorder.hpp"

namespace loadgen {
namespace {

template <typename T>
T& find_or_add(std::vector<std::pair<std::string, T>>& items, std::string_view name) {
  for (auto& [key, value] : items) {
    if (key == name) return value;
  }
  return items.emplace_back(std::string(name), T{}).second;
}

template <typename K>
void add_counts(std::map<K, std::uint64_t>& into, const std::map<K, std::uint64_t>& from) {
  for (const auto& [key, count] : from) into[key] += count;
}

}  // namespace

void RequestStats::merge(const RequestStats& other) {
  sent += other.sent;
  transport_errors += other.transport_errors;
  failed += other.failed;
  skipped += other.skipped;
  retry_after_503 += other.retry_after_503;
  add_counts(statuses, other.statuses);
  add_counts(error_codes, other.error_codes);
  add_counts(transport, other.transport);
  latency_us.insert(latency_us.end(), other.latency_us.begin(), other.latency_us.end());
  expected_latency_us.insert(expected_latency_us.end(), other.expected_latency_us.begin(),
                             other.expected_latency_us.end());
}

RequestStats& Recorder::request(std::string_view name) { return find_or_add(requests_, name); }

void Recorder::check(std::string_view name, bool passed) {
  auto& stats = find_or_add(checks_, name);
  ++(passed ? stats.passed : stats.failed);
}

void Recorder::merge(const Recorder& other) {
  for (const auto& [name, stats] : other.requests_) request(name).merge(stats);
  for (const auto& [name, stats] : other.checks_) {
    auto& mine = find_or_add(checks_, name);
    mine.passed += stats.passed;
    mine.failed += stats.failed;
  }
  iterations_ += other.iterations_;
}

}  // namespace loadgen
