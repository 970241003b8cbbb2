// AuthService::create and AuthService::open: from a Config (and what the caller supplies) to a
// running service. The assembly step: the one place that picks backends (docs/architecture.md).
#include <memory>
#include <optional>
#include <string>
#include <utility>

#include "authkit/auth_service.hpp"
#include "authkit/backends.hpp"
#include "authkit/crypto.hpp"
#include "base/catch_all.hpp"
#include "session/service_state.hpp"

namespace authkit {
inline namespace v1 {
namespace {

Result<void> check_config(const Config& config) {
  if (config.rate_limit_max_requests <= 0 || config.rate_limit_window <= Duration::zero()) {
    return Error(ErrorCode::kInvalidConfiguration,
                 "RATE_LIMIT_MAX_REQUESTS and RATE_LIMIT_WINDOW_MS must be positive");
  }
  if (config.login_max_failures_per_account <= 0 ||
      config.login_failure_window <= Duration::zero()) {
    return Error(ErrorCode::kInvalidConfiguration,
                 "LOGIN_MAX_FAILURES_PER_ACCOUNT and LOGIN_FAILURE_WINDOW_MS must be positive");
  }
  if (config.rate_limit_ipv6_prefix < 1 || config.rate_limit_ipv6_prefix > 128) {
    return Error(ErrorCode::kInvalidConfiguration, "RATE_LIMIT_IPV6_PREFIX must be 1 to 128");
  }
  if (config.password_hash_queue_timeout <= Duration::zero()) {
    return Error(ErrorCode::kInvalidConfiguration,
                 "PASSWORD_HASH_QUEUE_TIMEOUT_MS must be positive");
  }
  return {};
}

// With MIGRATE_ON_START off, a schema that is behind stops the start instead of failing requests.
Result<void> require_current_schema(Store& store) {
  auto pending = store.pending_migrations();
  if (!pending) return std::move(pending).error();
  if (pending->empty()) return {};
  return Error(ErrorCode::kServiceUnavailable,
               "the database schema is behind: " + std::to_string(pending->size()) +
                   " migration(s) pending (first: " + std::to_string(pending->front()) +
                   "); apply them with `authkit-server migrate` (Store::migrate) or set "
                   "MIGRATE_ON_START=true");
}

}  // namespace

Result<std::unique_ptr<AuthService>> AuthService::create(Config config, ServiceDependencies deps) {
  return catch_all([&]() -> Result<std::unique_ptr<AuthService>> {
    if (!deps.store) {
      return Error(ErrorCode::kInvalidConfiguration, "ServiceDependencies::store is required");
    }
    AUTHKIT_RETURN_IF_ERROR(check_config(config));
    if (!deps.clock) deps.clock = system_clock();
    if (!deps.logger) deps.logger = std::make_shared<NullLogger>();
    if (!deps.audit) deps.audit = std::make_shared<NullAuditSink>();
    if (!deps.metrics) deps.metrics = std::make_shared<MetricsRegistry>();
    if (!deps.password_hasher)
      deps.password_hasher = make_password_hasher(config.password_policy());
    if (!deps.rate_limiter) {
      auto limiter = make_rate_limiter(std::nullopt, {}, deps.clock, deps.logger);
      if (!limiter) return std::move(limiter).error();
      deps.rate_limiter = std::move(*limiter);
    }
    auto codec = make_token_codec(config);
    if (!codec) return std::move(codec).error();

    // One hash at the current policy, of a password nobody knows, so that an unknown e-mail
    // is verified at the same cost as a known one
    // (docs/compatibility.md#login-equal-hashing). Also proves the policy usable now. Made
    // before the service exists: auth_api_password_hash_cpu_seconds_total counts requests' work.
    auto dummy = deps.password_hasher->hash("dummy:" + crypto::random_uuid_v4());
    if (!dummy) return std::move(dummy).error();
    auto state = std::make_unique<detail::ServiceState>(std::move(config), std::move(deps),
                                                        std::move(*codec));
    state->dummy_hash = std::move(*dummy);
    return std::unique_ptr<AuthService>(new AuthService(std::move(state)));
  });
}

Result<std::unique_ptr<AuthService>> AuthService::open(Config config, ServiceDependencies deps) {
  return catch_all([&]() -> Result<std::unique_ptr<AuthService>> {
    if (!deps.store) {
      StoreOptions options;
      options.migrate_on_open = config.migrate_on_start;
      options.pool_size = config.database_pool_size;
      options.read_coalescing = config.database_read_coalescing;
      options.read_coalescing_patience = config.database_read_coalescing_patience;
      options.clock = deps.clock;
      options.logger = deps.logger;
      auto store = open_store(config.database_url, std::move(options));
      if (!store) return std::move(store).error();
      if (!config.migrate_on_start) AUTHKIT_RETURN_IF_ERROR(require_current_schema(**store));
      deps.store = std::move(*store);
    }
    if (!deps.rate_limiter) {
      auto limiter = make_rate_limiter(config.redis_url, {}, deps.clock, deps.logger);
      if (!limiter) return std::move(limiter).error();
      deps.rate_limiter = std::move(*limiter);
    }
    return create(std::move(config), std::move(deps));
  });
}

}  // namespace v1
}  // namespace authkit
