// The service's metric families: the original's five counters first, then libauthkit's.
#include "session/auth_metrics.hpp"

#include <string>
#include <vector>

namespace authkit::detail {
namespace {

// prom-client's default buckets, which a Node dashboard of the original would expect.
const std::vector<double> kDurationBuckets{0.005, 0.01, 0.025, 0.05, 0.1, 0.25,
                                           0.5,   1.0,  2.5,   5.0,  10.0};

}  // namespace

AuthMetrics::AuthMetrics(MetricsRegistry& registry)
    : login_attempts_(registry.counter("auth_api_login_attempts_total",
                                       "Total login attempts by outcome.", {"outcome"})),
      refresh_attempts_(registry.counter("auth_api_refresh_attempts_total",
                                         "Total refresh attempts by outcome.", {"outcome"})),
      replay_detections_(
          registry.counter("auth_api_refresh_replay_detections_total",
                           "Total refresh replay detections that compromised a session.")),
      rate_limit_hits_(registry.counter("auth_api_rate_limit_hits_total",
                                        "Total rate-limit hits by bucket and backend mode.",
                                        {"bucket", "mode"})),
      readiness_failures_(registry.counter("auth_api_readiness_failures_total",
                                           "Total readiness failures by dependency.",
                                           {"dependency"})),
      rate_limit_fallback_(registry.counter(
          "auth_api_rate_limit_fallback_total",
          "Total rate-limit hits counted by the in-memory fallback because Redis failed.")),
      reuse_grace_(registry.counter(
          "auth_api_refresh_reuse_grace_total",
          "Total refreshes answered with the existing child token within the reuse grace.")),
      hash_rejections_(registry.counter(
          "auth_api_password_hash_rejections_total",
          "Total password hashing requests shed with 503: the hashing queue was full, the "
          "client's share of it was taken, or no slot came within the waiting limit.")),
      hash_queue_depth_(registry
                            .gauge("auth_api_password_hash_queue_depth",
                                   "Requests waiting for a password hashing slot.")
                            .get()),
      hash_cpu_(registry.counter("auth_api_password_hash_cpu_seconds_total",
                                 "Total CPU seconds spent hashing and verifying passwords.",
                                 {"operation"})),
      request_duration_(registry.histogram("auth_api_http_request_duration_seconds",
                                           "HTTP request duration in seconds.",
                                           {"method", "route", "status_code"}, kDurationBuckets)) {
  // Unlabelled families print "name 0" before their first event: create the child now so the
  // text is the same whichever came first.
  replay_detections_.get();
  rate_limit_fallback_.get();
  reuse_grace_.get();
  hash_rejections_.get();
}

void AuthMetrics::login_attempt(std::string_view outcome) {
  login_attempts_.labels({std::string(outcome)}).inc();
}

void AuthMetrics::refresh_attempt(std::string_view outcome) {
  refresh_attempts_.labels({std::string(outcome)}).inc();
}

void AuthMetrics::replay_detected() { replay_detections_.get().inc(); }

void AuthMetrics::rate_limit_hit(std::string_view bucket, RateLimitMode mode) {
  rate_limit_hits_.labels({std::string(bucket), std::string(to_string(mode))}).inc();
}

void AuthMetrics::readiness_failure(std::string_view dependency) {
  readiness_failures_.labels({std::string(dependency)}).inc();
}

void AuthMetrics::reuse_grace() { reuse_grace_.get().inc(); }

void AuthMetrics::hash_rejected() { hash_rejections_.get().inc(); }

void AuthMetrics::hash_queue_depth(std::size_t waiting) noexcept {
  hash_queue_depth_.set(static_cast<double>(waiting));
}

void AuthMetrics::hash_cpu(std::string_view operation, double seconds) {
  if (seconds > 0) hash_cpu_.labels({std::string(operation)}).inc(seconds);
}

void AuthMetrics::publish_fallback_total(std::uint64_t total) {
  // A counter only goes up: add what the limiter counted since the last publication.
  const std::lock_guard lock(fallback_mutex_);
  if (total > fallback_published_) {
    rate_limit_fallback_.get().inc(static_cast<double>(total - fallback_published_));
    fallback_published_ = total;
  }
}

void AuthMetrics::observe_request(std::string_view method, std::string_view route, int status_code,
                                  double seconds) {
  request_duration_.labels({std::string(method), std::string(route), std::to_string(status_code)})
      .observe(seconds);
}

}  // namespace authkit::detail
