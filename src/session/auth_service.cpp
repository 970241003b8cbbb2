// AuthService: the public operations' common frame (rate limit first, then validation, then the
// operation; no exception leaves). Construction is the assembly step's (src/assembly).
#include "authkit/auth_service.hpp"

#include <exception>
#include <optional>
#include <type_traits>
#include <utility>

#include "base/catch_all.hpp"
#include "session/service_state.hpp"

namespace authkit {
inline namespace v1 {
namespace {

// Runs `fn`, turning any exception into INTERNAL_SERVER_ERROR (and an unhandled_error log line).
template <class Fn>
auto guarded(detail::ServiceState& state, const RequestContext* ctx, Fn&& fn) -> decltype(fn()) {
  return catch_all(std::forward<Fn>(fn), {}, [&](const std::exception& e) {
    state.log(LogLevel::kError, "unhandled_error", ctx ? *ctx : RequestContext{},
              {{"error", std::string(e.what())}});
  });
}

// The frame of a public POST operation: one hit on the `auth` bucket of the client (before
// validation, so an invalid body still consumes quota), then `check` (validate() of a typed input
// or parse_*_input() of a JSON body), then `run`, the operation of the session rules
// (register.cpp, login.cpp, ...), on the valid input. A `run` taking the decision too may replace
// it (login does, with the account bucket's when that one refuses). No exception leaves; the
// decision is returned whatever happened after it was made.
template <class Check, class Run>
auto public_post(detail::ServiceState& state, const RequestContext& ctx, Check&& check, Run run) {
  using Input = typename std::invoke_result_t<Check&>::value_type;
  std::optional<RateLimitDecision> decision;
  const auto operation = [&](const Input& valid) {
    if constexpr (std::is_invocable_v<Run, detail::ServiceState&, const Input&,
                                      const RequestContext&, std::optional<RateLimitDecision>&>) {
      return run(state, valid, ctx, decision);
    } else {
      return run(state, valid, ctx);
    }
  };
  using Output = std::invoke_result_t<decltype(operation), const Input&>;
  Output result = guarded(state, &ctx, [&]() -> Output {
    AUTHKIT_RETURN_IF_ERROR(detail::check_request_rate(state, ctx, decision));
    auto valid = check();
    if (!valid) return std::move(valid).error();
    return operation(*valid);
  });
  return RateLimitedResult<typename Output::value_type>(std::move(result), decision);
}

}  // namespace

AuthService::AuthService(std::unique_ptr<detail::ServiceState> state) : state_(std::move(state)) {}
AuthService::~AuthService() = default;

RateLimitedResult<UserProfile> AuthService::register_user(const RegisterInput& input,
                                                          const RequestContext& ctx) {
  return public_post(
      *state_, ctx, [&] { return validate(input); }, &detail::register_user);
}

RateLimitedResult<UserProfile> AuthService::register_user_json(
    std::optional<std::string_view> json_body, const RequestContext& ctx) {
  return public_post(
      *state_, ctx, [&] { return parse_register_input(json_body); }, &detail::register_user);
}

RateLimitedResult<AuthResult> AuthService::create_session(const CreateSessionInput& input,
                                                          const RequestContext& ctx) {
  return public_post(
      *state_, ctx, [&] { return validate(input); }, &detail::login);
}

RateLimitedResult<AuthResult> AuthService::create_session_json(
    std::optional<std::string_view> json_body, const RequestContext& ctx) {
  return public_post(
      *state_, ctx, [&] { return parse_create_session_input(json_body); }, &detail::login);
}

RateLimitedResult<AuthResult> AuthService::refresh(const RefreshTokenInput& input,
                                                   const RequestContext& ctx) {
  return public_post(
      *state_, ctx, [&] { return validate(input); }, &detail::refresh);
}

RateLimitedResult<AuthResult> AuthService::refresh_json(std::optional<std::string_view> json_body,
                                                        const RequestContext& ctx) {
  return public_post(
      *state_, ctx, [&] { return parse_refresh_token_input(json_body); }, &detail::refresh);
}

RateLimitedResult<void> AuthService::revoke_current(const RefreshTokenInput& input,
                                                    const RequestContext& ctx) {
  return public_post(
      *state_, ctx, [&] { return validate(input); }, &detail::logout);
}

RateLimitedResult<void> AuthService::revoke_current_json(std::optional<std::string_view> json_body,
                                                         const RequestContext& ctx) {
  return public_post(
      *state_, ctx, [&] { return parse_refresh_token_input(json_body); }, &detail::logout);
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

std::optional<std::string> AuthService::access_token_jwks() const { return state_->access_jwks; }

}  // namespace v1
}  // namespace authkit
