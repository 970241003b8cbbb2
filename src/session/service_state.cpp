// ServiceState and the helpers every operation shares: audit, rate limits, claims, compromise.
#include "session/service_state.hpp"

#include <charconv>
#include <utility>

#include "authkit/crypto.hpp"
#include "password/cpu_timed_hasher.hpp"

namespace authkit::detail {
namespace {

RateLimitPolicyOptions policy_options(const Config& config) {
  RateLimitPolicyOptions options;
  options.requests = RateLimit{config.rate_limit_max_requests, config.rate_limit_window};
  options.login_failures =
      RateLimit{config.login_max_failures_per_account, config.login_failure_window};
  options.ipv6_prefix_length = config.rate_limit_ipv6_prefix;
  return options;
}

AdmissionLimits admission_limits(const Config& config) {
  AdmissionLimits limits;
  limits.slots = config.password_hash_concurrency;
  limits.queue_max = config.effective_password_hash_queue_max();
  limits.per_client_max = config.effective_password_hash_queue_max_per_client();
  limits.max_wait = config.password_hash_queue_timeout;
  return limits;
}

// The access keys' JWK Set when they are asymmetric. Refresh keys are HS256 (KeySet::add), so
// the set's public keys are the access keys.
std::optional<std::string> render_access_jwks(const KeySet& keys) {
  const SigningKey* signing = keys.signing_key(TokenType::kAccess);
  if (signing == nullptr || is_symmetric(signing->algorithm())) return std::nullopt;
  return keys.jwks();
}

}  // namespace

ServiceState::ServiceState(Config cfg, ServiceDependencies deps, TokenCodec token_codec)
    : config(std::move(cfg)),
      store(std::move(deps.store)),
      limiter(std::move(deps.rate_limiter)),
      hasher(std::move(deps.password_hasher)),
      registry(std::move(deps.metrics)),
      audit(std::move(deps.audit)),
      logger(std::move(deps.logger)),
      clock(std::move(deps.clock)),
      codec(std::move(token_codec)),
      access_jwks(render_access_jwks(codec.keys())),
      policy(limiter, policy_options(config)),
      metrics(*registry),
      admission(admission_limits(config), steady_wait_clock(),
                [this](std::size_t waiting) { metrics.hash_queue_depth(waiting); }) {
  // Every hash and verification, the injected hasher's too, adds its CPU time to the metrics.
  hasher = std::make_shared<CpuTimedHasher>(
      std::move(hasher),
      [this](std::string_view operation, double seconds) { metrics.hash_cpu(operation, seconds); });
}

void ServiceState::audit_event(std::string_view event, const RequestContext& ctx,
                               LogFields fields) const {
  audit->record(AuditEvent{std::string(event), ctx.correlation_id, std::move(fields)});
}

void ServiceState::log(LogLevel level, std::string_view event, const RequestContext& ctx,
                       LogFields fields) const {
  if (!ctx.correlation_id.empty()) {
    fields.insert(fields.begin(), {"correlationId", ctx.correlation_id});
  }
  logger->log(level, event, fields);
}

Error rate_limited(ServiceState& state, std::string_view bucket, const RateLimitDecision& d) {
  state.metrics.rate_limit_hit(bucket, d.mode);
  return Error(ErrorCode::kTooManyRequests);
}

Result<void> check_request_rate(ServiceState& state, const RequestContext& ctx,
                                std::optional<RateLimitDecision>& out) {
  const std::string_view ip =
      ctx.client.ip_address ? std::string_view(*ctx.client.ip_address) : std::string_view();
  auto decision = state.policy.check_request(ip);
  if (!decision) {
    // The limiter is a guard, not a dependency: a limiter that cannot answer (the fail-soft
    // Redis wrapper never does this) lets the request through rather than failing it.
    state.log(LogLevel::kWarn, "rate_limiter_error", ctx,
              {{"bucket", std::string(RateLimitPolicy::kRequestBucket)},
               {"error", decision.error().diagnostic}});
    return {};
  }
  out = *decision;
  if (!decision->allowed) return rate_limited(state, RateLimitPolicy::kRequestBucket, *decision);
  return {};
}

Error hashing_failed(ServiceState& state, Error error) {
  if (error.code == ErrorCode::kServiceUnavailable) state.metrics.hash_rejected();
  return error;
}

Result<HashAdmission::Ticket> admit_hashing(ServiceState& state, const RequestContext& ctx) {
  // The queue's share is per client as the rate limits count clients: IPv4 and IPv4-mapped
  // addresses one by one, IPv6 by its RATE_LIMIT_IPV6_PREFIX network.
  std::optional<std::string> key;
  if (ctx.client.ip_address && !ctx.client.ip_address->empty()) {
    key = RateLimitPolicy::request_key(*ctx.client.ip_address, state.config.rate_limit_ipv6_prefix);
  }
  auto ticket = state.admission.enter(key ? std::optional<std::string_view>(*key) : std::nullopt);
  if (!ticket) return hashing_failed(state, std::move(ticket).error());
  return ticket;
}

std::optional<UserId> parse_user_id(std::string_view subject) noexcept {
  if (subject.empty()) return std::nullopt;
  UserId id = 0;
  const auto* end = subject.data() + subject.size();
  const auto [ptr, ec] = std::from_chars(subject.data(), end, id);
  if (ec != std::errc() || ptr != end || id < 0) return std::nullopt;
  return id;
}

std::int64_t lifetime_seconds(Duration lifetime) noexcept {
  return std::chrono::ceil<std::chrono::seconds>(lifetime).count();
}

Claims refresh_claims(const ServiceState& state, std::string_view session_id, UserId user_id,
                      std::string jti, std::int64_t iat) {
  Claims c;
  c.session_id = std::string(session_id);
  c.type = TokenType::kRefresh;
  c.issued_at = iat;
  c.expires_at = iat + lifetime_seconds(state.config.refresh_token_expires_in);
  c.audience = state.config.jwt_audience;
  c.issuer = state.config.jwt_issuer;
  c.subject = std::to_string(user_id);
  c.jwt_id = std::move(jti);
  return c;
}

Claims access_claims(const ServiceState& state, std::string_view session_id, UserId user_id,
                     std::int64_t iat) {
  Claims c;
  c.session_id = std::string(session_id);
  c.type = TokenType::kAccess;
  c.issued_at = iat;
  c.expires_at = iat + lifetime_seconds(state.config.access_token_expires_in);
  c.audience = state.config.jwt_audience;
  c.issuer = state.config.jwt_issuer;
  c.subject = std::to_string(user_id);
  c.jwt_id = crypto::random_uuid_v4();
  return c;
}

Error compromise(ServiceState& state, std::string_view session_id, std::string_view token_id,
                 const RequestContext& ctx) {
  auto done = state.store->compromise_session(session_id, token_id, state.now());
  if (!done) return std::move(done).error();
  return replay_detected(state, session_id, token_id, ctx);
}

Error replay_detected(ServiceState& state, std::string_view session_id, std::string_view token_id,
                      const RequestContext& ctx) {
  // Reported on every call, even when the session had already ended (docs/api.md#compromise).
  state.metrics.refresh_attempt("replay_detected");
  state.metrics.replay_detected();
  state.audit_event("auth.refresh.reuse_detected", ctx,
                    {{"sessionId", std::string(session_id)}, {"tokenId", std::string(token_id)}});
  return Error(ErrorCode::kRefreshTokenReused);
}

}  // namespace authkit::detail
