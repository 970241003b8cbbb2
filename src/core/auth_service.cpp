// AuthService: construction with defaults, and the public operations' common frame (rate limit
// first, then validation, then the operation; no exception leaves).
#include "authkit/auth_service.hpp"

#include <exception>
#include <new>
#include <utility>

#include "authkit/crypto.hpp"
#include "authkit/rate_limiter_factory.hpp"
#include "core/service_state.hpp"

namespace authkit {
inline namespace v1 {
namespace {

// Runs `fn`, turning any exception into INTERNAL_SERVER_ERROR (and an unhandled_error log line).
template <class Fn>
auto guarded(detail::ServiceState& state, const RequestContext* ctx, Fn&& fn) -> decltype(fn()) {
  try {
    return fn();
  } catch (const std::bad_alloc&) {
    return Error(ErrorCode::kInternalServerError, "out of memory");
  } catch (const std::exception& e) {
    try {
      state.log(LogLevel::kError, "unhandled_error", ctx ? *ctx : RequestContext{},
                {{"error", std::string(e.what())}});
    } catch (...) {
      // The error below is what matters; a lost log line is acceptable.
    }
    return Error(ErrorCode::kInternalServerError, e.what());
  } catch (...) {
    return Error(ErrorCode::kInternalServerError, "unknown exception");
  }
}

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
  try {
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

    auto state = std::make_unique<detail::ServiceState>(std::move(config), std::move(deps),
                                                        std::move(*codec));
    // One hash at the current policy, of a password nobody knows, so that an unknown e-mail
    // is verified at the same cost as a known one (W2). Also proves the policy usable now.
    auto dummy = state->hasher->hash("dummy:" + crypto::random_uuid_v4());
    if (!dummy) return std::move(dummy).error();
    state->dummy_hash = std::move(*dummy);
    return std::unique_ptr<AuthService>(new AuthService(std::move(state)));
  } catch (const std::exception& e) {
    return Error(ErrorCode::kInternalServerError, e.what());
  }
}

Result<std::unique_ptr<AuthService>> AuthService::open(Config config, ServiceDependencies deps) {
  try {
    if (!deps.store) {
      StoreOptions options;
      options.migrate_on_open = config.migrate_on_start;
      options.pool_size = config.database_pool_size;
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
  } catch (const std::exception& e) {
    return Error(ErrorCode::kInternalServerError, e.what());
  }
}

AuthService::AuthService(std::unique_ptr<detail::ServiceState> state) : state_(std::move(state)) {}
AuthService::~AuthService() = default;

Result<User> AuthService::register_user(const RegisterInput& input, const RequestContext& ctx,
                                        RateLimitDecision* rate_limit) {
  return guarded(*state_, &ctx, [&]() -> Result<User> {
    AUTHKIT_RETURN_IF_ERROR(detail::check_request_rate(*state_, ctx, rate_limit));
    auto valid = validate(input);
    if (!valid) return std::move(valid).error();
    return detail::register_user(*state_, *valid, ctx);
  });
}

Result<User> AuthService::register_user_json(std::optional<std::string_view> json_body,
                                             const RequestContext& ctx,
                                             RateLimitDecision* rate_limit) {
  return guarded(*state_, &ctx, [&]() -> Result<User> {
    AUTHKIT_RETURN_IF_ERROR(detail::check_request_rate(*state_, ctx, rate_limit));
    auto valid = parse_register_input(json_body);
    if (!valid) return std::move(valid).error();
    return detail::register_user(*state_, *valid, ctx);
  });
}

Result<AuthResult> AuthService::create_session(const CreateSessionInput& input,
                                               const RequestContext& ctx,
                                               RateLimitDecision* rate_limit) {
  return guarded(*state_, &ctx, [&]() -> Result<AuthResult> {
    AUTHKIT_RETURN_IF_ERROR(detail::check_request_rate(*state_, ctx, rate_limit));
    auto valid = validate(input);
    if (!valid) return std::move(valid).error();
    return detail::login(*state_, *valid, ctx, rate_limit);
  });
}

Result<AuthResult> AuthService::create_session_json(std::optional<std::string_view> json_body,
                                                    const RequestContext& ctx,
                                                    RateLimitDecision* rate_limit) {
  return guarded(*state_, &ctx, [&]() -> Result<AuthResult> {
    AUTHKIT_RETURN_IF_ERROR(detail::check_request_rate(*state_, ctx, rate_limit));
    auto valid = parse_create_session_input(json_body);
    if (!valid) return std::move(valid).error();
    return detail::login(*state_, *valid, ctx, rate_limit);
  });
}

Result<AuthResult> AuthService::refresh(const RefreshTokenInput& input, const RequestContext& ctx,
                                        RateLimitDecision* rate_limit) {
  return guarded(*state_, &ctx, [&]() -> Result<AuthResult> {
    AUTHKIT_RETURN_IF_ERROR(detail::check_request_rate(*state_, ctx, rate_limit));
    auto valid = validate(input);
    if (!valid) return std::move(valid).error();
    return detail::refresh(*state_, *valid, ctx);
  });
}

Result<AuthResult> AuthService::refresh_json(std::optional<std::string_view> json_body,
                                             const RequestContext& ctx,
                                             RateLimitDecision* rate_limit) {
  return guarded(*state_, &ctx, [&]() -> Result<AuthResult> {
    AUTHKIT_RETURN_IF_ERROR(detail::check_request_rate(*state_, ctx, rate_limit));
    auto valid = parse_refresh_token_input(json_body);
    if (!valid) return std::move(valid).error();
    return detail::refresh(*state_, *valid, ctx);
  });
}

Result<void> AuthService::revoke_current(const RefreshTokenInput& input, const RequestContext& ctx,
                                         RateLimitDecision* rate_limit) {
  return guarded(*state_, &ctx, [&]() -> Result<void> {
    AUTHKIT_RETURN_IF_ERROR(detail::check_request_rate(*state_, ctx, rate_limit));
    auto valid = validate(input);
    if (!valid) return std::move(valid).error();
    return detail::logout(*state_, *valid, ctx);
  });
}

Result<void> AuthService::revoke_current_json(std::optional<std::string_view> json_body,
                                              const RequestContext& ctx,
                                              RateLimitDecision* rate_limit) {
  return guarded(*state_, &ctx, [&]() -> Result<void> {
    AUTHKIT_RETURN_IF_ERROR(detail::check_request_rate(*state_, ctx, rate_limit));
    auto valid = parse_refresh_token_input(json_body);
    if (!valid) return std::move(valid).error();
    return detail::logout(*state_, *valid, ctx);
  });
}

Result<Principal> AuthService::authenticate(std::string_view authorization_header,
                                            const RequestContext& ctx) {
  return guarded(*state_, &ctx, [&]() -> Result<Principal> {
    return detail::authenticate_header(*state_, authorization_header);
  });
}

Result<Principal> AuthService::authenticate_token(std::string_view access_token,
                                                  const RequestContext& ctx) {
  return guarded(*state_, &ctx, [&]() -> Result<Principal> {
    return detail::authenticate_token(*state_, access_token);
  });
}

Result<MeResult> AuthService::me(const Principal& principal, const RequestContext& ctx) {
  return guarded(*state_, &ctx,
                 [&]() -> Result<MeResult> { return detail::me(*state_, principal); });
}

Result<MeResult> AuthService::me(std::string_view authorization_header, const RequestContext& ctx) {
  return guarded(*state_, &ctx, [&]() -> Result<MeResult> {
    return detail::authenticated_me(*state_, authorization_header);
  });
}

Result<MeResult> AuthService::me_token(std::string_view access_token, const RequestContext& ctx) {
  return guarded(*state_, &ctx, [&]() -> Result<MeResult> {
    return detail::authenticated_me_token(*state_, access_token);
  });
}

Result<std::vector<SessionInfo>> AuthService::list_sessions(const Principal& principal,
                                                            const RequestContext& ctx) {
  return guarded(*state_, &ctx, [&]() -> Result<std::vector<SessionInfo>> {
    return detail::list_sessions(*state_, principal);
  });
}

Result<void> AuthService::revoke_session(const Principal& principal, std::string_view session_id,
                                         const RequestContext& ctx) {
  return guarded(*state_, &ctx, [&]() -> Result<void> {
    return detail::revoke_session(*state_, principal, session_id, ctx);
  });
}

Result<std::int64_t> AuthService::revoke_all_sessions(const Principal& principal,
                                                      const RequestContext& ctx) {
  return guarded(*state_, &ctx, [&]() -> Result<std::int64_t> {
    return detail::revoke_all_sessions(*state_, principal, ctx);
  });
}

Result<PurgeResult> AuthService::purge() {
  return guarded(*state_, nullptr, [&]() -> Result<PurgeResult> {
    return state_->store->purge(state_->now(), state_->config.purge_retention);
  });
}

HealthReport AuthService::health() { return HealthReport{state_->now()}; }

ReadinessReport AuthService::ready() {
  try {
    return detail::ready(*state_);
  } catch (...) {
    // A probe that cannot even run is a database that cannot be reached.
    ReadinessReport report;
    report.timestamp = state_->now();
    report.database = DependencyState::kDown;
    return report;
  }
}

MetricsRegistry& AuthService::metrics() noexcept { return *state_->registry; }

std::string AuthService::metrics_text() {
  state_->metrics.publish_fallback_total(state_->limiter->fallback_total());
  return state_->registry->render();
}

void AuthService::observe_request_duration(std::string_view method, std::string_view route,
                                           int status_code, double seconds) noexcept {
  try {
    state_->metrics.observe_request(method, route, status_code, seconds);
  } catch (...) {
    // A lost observation must not fail the request it measured.
  }
}

const Config& AuthService::config() const noexcept { return state_->config; }

Store& AuthService::store() noexcept { return *state_->store; }

}  // namespace v1
}  // namespace authkit
