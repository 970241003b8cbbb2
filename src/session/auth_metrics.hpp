// AuthMetrics: the service's metric families, registered in the order they are rendered.
#pragma once

#include <cstddef>
#include <cstdint>
#include <mutex>
#include <string_view>

#include "authkit/metrics.hpp"
#include "authkit/rate_limiter.hpp"

namespace authkit::detail {

// The original's five counters (docs/api.md#metrics: names, HELP, labels, order) so existing
// dashboards keep working, then libauthkit's own. Thread-safe.
class AuthMetrics {
 public:
  explicit AuthMetrics(MetricsRegistry& registry);

  // auth_api_login_attempts_total{outcome}: "success" | "invalid_credentials".
  void login_attempt(std::string_view outcome);
  // auth_api_refresh_attempts_total{outcome}: "success", "invalid_token", "expired",
  // "session_compromised", "session_revoked", "replay_detected".
  void refresh_attempt(std::string_view outcome);
  // auth_api_refresh_replay_detections_total: each compromise.
  void replay_detected();
  // auth_api_rate_limit_hits_total{bucket,mode}: each refusal.
  void rate_limit_hit(std::string_view bucket, RateLimitMode mode);
  // auth_api_readiness_failures_total{dependency}: "database" | "redis".
  void readiness_failure(std::string_view dependency);
  // auth_api_refresh_reuse_grace_total: each refresh answered from the reuse grace.
  void reuse_grace();
  // auth_api_password_hash_rejections_total: each hash shed
  // (docs/configuration.md#password-hash-queue).
  void hash_rejected();
  // auth_api_password_hash_queue_depth: callers waiting for a hashing slot now.
  void hash_queue_depth(std::size_t waiting) noexcept;
  // auth_api_password_hash_cpu_seconds_total{operation}: "hash" | "verify", the CPU time of the
  // hashing thread (password/cpu_timed_hasher.hpp).
  void hash_cpu(std::string_view operation, double seconds);
  // auth_api_rate_limit_fallback_total brought up to the limiter's fallback_total().
  void publish_fallback_total(std::uint64_t total);
  // auth_api_http_request_duration_seconds{method,route,status_code}.
  void observe_request(std::string_view method, std::string_view route, int status_code,
                       double seconds);

 private:
  CounterFamily& login_attempts_;
  CounterFamily& refresh_attempts_;
  CounterFamily& replay_detections_;
  CounterFamily& rate_limit_hits_;
  CounterFamily& readiness_failures_;
  CounterFamily& rate_limit_fallback_;
  CounterFamily& reuse_grace_;
  CounterFamily& hash_rejections_;
  Gauge& hash_queue_depth_;
  CounterFamily& hash_cpu_;
  HistogramFamily& request_duration_;
  std::mutex fallback_mutex_;
  std::uint64_t fallback_published_ = 0;
};

}  // namespace authkit::detail
