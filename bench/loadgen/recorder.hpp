// What one worker saw: per request name its statuses, error codes and latencies, and its checks.
// Each worker owns a Recorder (no locking on the hot path); they are merged after the run.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace loadgen {

struct RequestStats {
  std::uint64_t sent = 0;                 // requests sent (answered or not)
  std::uint64_t transport_errors = 0;     // no HTTP answer (connect/read failure or timeout)
  std::uint64_t failed = 0;               // as k6's http_req_failed: not 200, 201 or 401
  std::uint64_t skipped = 0;              // not sent: a step it depends on failed
  std::uint64_t retry_after_503 = 0;      // 503 answers carrying Retry-After
  std::map<int, std::uint64_t> statuses;  // HTTP status -> count
  std::map<std::string, std::uint64_t> error_codes;  // "503 SERVICE_UNAVAILABLE" -> count
  std::map<std::string, std::uint64_t> transport;    // cpp-httplib error name -> count
  std::vector<std::uint32_t> latency_us;             // one per answered or failed request
  // One per answer of an expected status (200, 201, 401): what k6's
  // http_req_duration{expected_response:true}, and so the original's thresholds, measure.
  std::vector<std::uint32_t> expected_latency_us;

  void merge(const RequestStats& other);
};

struct CheckStats {
  std::uint64_t passed = 0;
  std::uint64_t failed = 0;
};

class Recorder {
 public:
  // Stats of one request name, created on first use (report order = order of first use).
  RequestStats& request(std::string_view name);
  // One k6 check: one expectation about one response.
  void check(std::string_view name, bool passed);

  void iteration_done() { ++iterations_; }
  void merge(const Recorder& other);

  const std::vector<std::pair<std::string, RequestStats>>& requests() const { return requests_; }
  const std::vector<std::pair<std::string, CheckStats>>& checks() const { return checks_; }
  std::uint64_t iterations() const { return iterations_; }

 private:
  // A handful of names: a vector searched linearly beats a map and keeps the order of use.
  std::vector<std::pair<std::string, RequestStats>> requests_;
  std::vector<std::pair<std::string, CheckStats>> checks_;
  std::uint64_t iterations_ = 0;
};

}  // namespace loadgen
