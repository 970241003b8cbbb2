// Readiness (docs/api.md#ready): the database first, then Redis when one is configured.
#include "session/service_state.hpp"

namespace authkit::detail {

ReadinessReport ready(ServiceState& state) {
  ReadinessReport report;
  report.timestamp = state.now();
  if (!state.store->ping()) {
    state.metrics.readiness_failure("database");
    report.database = DependencyState::kDown;
    report.redis = DependencyState::kUnknown;  // not probed, as the original
    return report;
  }
  report.database = DependencyState::kUp;
  if (!state.config.redis_url) {
    report.redis = DependencyState::kDisabled;
  } else {
    report.redis = state.limiter->ping() ? DependencyState::kUp : DependencyState::kDown;
  }
  report.ready = report.redis != DependencyState::kDown;
  if (!report.ready) state.metrics.readiness_failure("redis");
  return report;
}

}  // namespace authkit::detail
