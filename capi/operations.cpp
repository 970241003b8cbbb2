// The AuthService operations through the C ABI: C strings in, the REST contract's JSON out.
#include <authkit/json.hpp>

#include <nlohmann/json.hpp>

#include "guard.hpp"

using authkit::Principal;
using authkit::Result;
using authkit::capi::context_of;
using authkit::capi::guard;
using authkit::capi::null_argument;
using authkit::capi::to_c_string;

namespace {

using Json = nlohmann::ordered_json;

// Clears an out-pointer first, so that it is NULL on every failure.
template <class T>
void clear(T** out) noexcept {
  if (out) *out = nullptr;
}

// The principal as docs/api.md#behaviour-checklist (item 15) names its fields (not a REST body: the
// middleware's output).
std::string principal_json(const Principal& p) {
  return Json{{"userId", p.user_id}, {"sessionId", p.session_id}, {"tokenJti", p.token_jti}}.dump();
}

// The auth middleware of a protected route, on the token itself.
Result<Principal> authenticate(ak_service* svc, const ak_request_context* ctx,
                               const char* access_token) {
  return svc->rep->authenticate_token(access_token, context_of(ctx));
}

// A call on an access token that answers JSON: the arguments checked, then `respond` turns the
// token into the body.
template <class Respond>
ak_status token_json(ak_service* svc, const ak_request_context* ctx, const char* access_token,
                     char** out_json, Respond respond) noexcept {
  clear(out_json);
  return guard(svc, ctx, [&]() -> Result<void> {
    if (!svc) return null_argument("svc");
    if (!access_token) return null_argument("access_token");
    if (!out_json) return null_argument("out_json");
    auto body = respond(access_token);
    if (!body) return body.error();
    *out_json = to_c_string(*body);
    return {};
  });
}

// A protected call that answers JSON, as a REST route behind the auth middleware: the token
// authenticated, then `respond` turns the principal into the body.
template <class Respond>
ak_status protected_json(ak_service* svc, const ak_request_context* ctx, const char* access_token,
                         char** out_json, Respond respond) noexcept {
  return token_json(svc, ctx, access_token, out_json,
                    [&](const char* token) -> Result<std::string> {
                      auto principal = authenticate(svc, ctx, token);
                      if (!principal) return principal.error();
                      return respond(*principal);
                    });
}

}  // namespace

extern "C" ak_status ak_service_migrate(ak_service* svc, char** out_json) noexcept {
  clear(out_json);
  return guard(svc, nullptr, [&]() -> Result<void> {
    if (!svc) return null_argument("svc");
    if (!out_json) return null_argument("out_json");
    auto report = svc->rep->store().migrate();
    if (!report) return report.error();
    *out_json = to_c_string(
        Json{{"applied", report->applied}, {"currentVersion", report->current_version}}.dump());
    return {};
  });
}

extern "C" ak_status ak_service_purge(ak_service* svc, char** out_json) noexcept {
  clear(out_json);
  return guard(svc, nullptr, [&]() -> Result<void> {
    if (!svc) return null_argument("svc");
    if (!out_json) return null_argument("out_json");
    auto purged = svc->rep->purge();
    if (!purged) return purged.error();
    *out_json = to_c_string(Json{{"sessionsDeleted", purged->sessions_deleted},
                                 {"tokensDeleted", purged->tokens_deleted}}
                                .dump());
    return {};
  });
}

extern "C" ak_status ak_service_health(ak_service* svc, char** out_json) noexcept {
  clear(out_json);
  return guard(svc, nullptr, [&]() -> Result<void> {
    if (!svc) return null_argument("svc");
    if (!out_json) return null_argument("out_json");
    *out_json = to_c_string(authkit::json::health(svc->rep->health()));
    return {};
  });
}

extern "C" ak_status ak_service_ready(ak_service* svc, int* out_ready, char** out_json) noexcept {
  clear(out_json);
  return guard(svc, nullptr, [&]() -> Result<void> {
    if (!svc) return null_argument("svc");
    if (!out_ready) return null_argument("out_ready");
    if (!out_json) return null_argument("out_json");
    const auto report = svc->rep->ready();
    *out_json = to_c_string(authkit::json::readiness(report));
    *out_ready = report.ready ? 1 : 0;
    return {};
  });
}

extern "C" ak_status ak_service_metrics(ak_service* svc, char** out_text) noexcept {
  clear(out_text);
  return guard(svc, nullptr, [&]() -> Result<void> {
    if (!svc) return null_argument("svc");
    if (!out_text) return null_argument("out_text");
    *out_text = to_c_string(svc->rep->metrics_text());
    return {};
  });
}

extern "C" ak_status ak_user_register(ak_service* svc, const ak_request_context* ctx,
                                      const char* name, const char* email, const char* pw,
                                      size_t pw_len, char** out_json) noexcept {
  clear(out_json);
  return guard(svc, ctx, [&]() -> Result<void> {
    if (!svc) return null_argument("svc");
    if (!name) return null_argument("name");
    if (!email) return null_argument("email");
    if (!pw) return null_argument("pw");
    if (!out_json) return null_argument("out_json");
    auto user = svc->rep->register_user({name, email, std::string(pw, pw_len)}, context_of(ctx));
    if (!user) return user.error();
    *out_json = to_c_string(authkit::json::register_response(*user));
    return {};
  });
}

extern "C" ak_status ak_session_create(ak_service* svc, const ak_request_context* ctx,
                                       const char* email, const char* pw, size_t pw_len,
                                       char** out_json) noexcept {
  clear(out_json);
  return guard(svc, ctx, [&]() -> Result<void> {
    if (!svc) return null_argument("svc");
    if (!email) return null_argument("email");
    if (!pw) return null_argument("pw");
    if (!out_json) return null_argument("out_json");
    auto login = svc->rep->create_session({email, std::string(pw, pw_len)}, context_of(ctx));
    if (!login) return login.error();
    *out_json = to_c_string(authkit::json::auth_response(*login));
    return {};
  });
}

extern "C" ak_status ak_session_refresh(ak_service* svc, const ak_request_context* ctx,
                                        const char* refresh_token, char** out_json) noexcept {
  clear(out_json);
  return guard(svc, ctx, [&]() -> Result<void> {
    if (!svc) return null_argument("svc");
    if (!refresh_token) return null_argument("refresh_token");
    if (!out_json) return null_argument("out_json");
    auto pair = svc->rep->refresh({refresh_token}, context_of(ctx));
    if (!pair) return pair.error();
    *out_json = to_c_string(authkit::json::auth_response(*pair));
    return {};
  });
}

extern "C" ak_status ak_session_revoke_current(ak_service* svc, const ak_request_context* ctx,
                                               const char* refresh_token) noexcept {
  return guard(svc, ctx, [&]() -> Result<void> {
    if (!svc) return null_argument("svc");
    if (!refresh_token) return null_argument("refresh_token");
    return svc->rep->revoke_current({refresh_token}, context_of(ctx));
  });
}

extern "C" ak_status ak_token_authenticate(ak_service* svc, const ak_request_context* ctx,
                                           const char* access_token, char** out_json) noexcept {
  return protected_json(
      svc, ctx, access_token, out_json,
      [](const Principal& p) -> Result<std::string> { return principal_json(p); });
}

extern "C" ak_status ak_user_me(ak_service* svc, const ak_request_context* ctx,
                                const char* access_token, char** out_json) noexcept {
  // The token's check and the answer in one store read, as GET /v1/auth/me.
  return token_json(svc, ctx, access_token, out_json,
                    [&](const char* token) -> Result<std::string> {
                      auto me = svc->rep->me_token(token, context_of(ctx));
                      if (!me) return me.error();
                      return authkit::json::me_response(*me);
                    });
}

extern "C" ak_status ak_session_list(ak_service* svc, const ak_request_context* ctx,
                                     const char* access_token, char** out_json) noexcept {
  return protected_json(svc, ctx, access_token, out_json,
                        [&](const Principal& p) -> Result<std::string> {
                          auto sessions = svc->rep->list_sessions(p, context_of(ctx));
                          if (!sessions) return sessions.error();
                          return authkit::json::sessions_response(*sessions);
                        });
}

extern "C" ak_status ak_session_revoke(ak_service* svc, const ak_request_context* ctx,
                                       const char* access_token, const char* session_id) noexcept {
  return guard(svc, ctx, [&]() -> Result<void> {
    if (!svc) return null_argument("svc");
    if (!access_token) return null_argument("access_token");
    if (!session_id) return null_argument("session_id");
    auto principal = authenticate(svc, ctx, access_token);
    if (!principal) return principal.error();
    return svc->rep->revoke_session(*principal, session_id, context_of(ctx));
  });
}

extern "C" ak_status ak_session_revoke_all(ak_service* svc, const ak_request_context* ctx,
                                           const char* access_token,
                                           int64_t* out_revoked) noexcept {
  return guard(svc, ctx, [&]() -> Result<void> {
    if (!svc) return null_argument("svc");
    if (!access_token) return null_argument("access_token");
    auto principal = authenticate(svc, ctx, access_token);
    if (!principal) return principal.error();
    auto revoked = svc->rep->revoke_all_sessions(*principal, context_of(ctx));
    if (!revoked) return revoked.error();
    if (out_revoked) *out_revoked = *revoked;
    return {};
  });
}
