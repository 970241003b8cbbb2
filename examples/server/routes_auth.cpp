// /v1/auth/*: body or bearer in, the library's Result out as status + JSON (or 204).
#include "routes_auth.hpp"

#include <algorithm>
#include <authkit/json.hpp>
#include <authkit/rate_limiter.hpp>
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>

#include "body.hpp"
#include "edge_server.hpp"
#include "header_fields.hpp"
#include "request_state.hpp"

namespace authkit::server {
namespace {

constexpr const char* kJson = "application/json; charset=utf-8";

// Node reads header bytes as Latin-1: a byte >= 0x80 becomes that code point, in UTF-8.
std::string latin1_to_utf8(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (const char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    if (byte < 0x80) {
      out += c;
    } else {
      out += static_cast<char>(0xC0 | (byte >> 6));
      out += static_cast<char>(0x80 | (byte & 0x3F));
    }
  }
  return out;
}

// The whole Authorization value ("" when absent), NUL bytes and all: the library refuses them.
std::string authorization(const httplib::Request& req) {
  return first_header_value(req, "Authorization").value_or("");
}

RequestContext context(const HttpServer& server, const httplib::Request& req) {
  RequestContext ctx;
  if (req.has_header("User-Agent")) {
    ctx.client.user_agent = latin1_to_utf8(req.get_header_value("User-Agent"));
  } else if (const auto* exchange = current_exchange();
             exchange != nullptr && has_empty_field(exchange->raw_head(), "User-Agent")) {
    ctx.client.user_agent = "";  // sent empty: stored and shown as "", absent is null
  }
  ctx.client.ip_address = server.client_ip(req);
  ctx.correlation_id = server.correlation_id(req);
  return ctx;
}

// RateLimit-* on every response a limiter answered for, Retry-After on a 429 (the original
// sent neither: docs/compatibility.md#rate-limit-headers); none when no limiter answered.
void rate_limit_headers(const std::optional<RateLimitDecision>& decision, httplib::Response& res) {
  if (!decision) return;
  const auto reset = reset_after_seconds(*decision);
  res.set_header("RateLimit-Limit", std::to_string(decision->limit));
  res.set_header("RateLimit-Remaining", std::to_string(decision->remaining));
  res.set_header("RateLimit-Reset", std::to_string(reset));
  if (!decision->allowed) res.set_header("Retry-After", std::to_string(reset));
}

// A 503 (the password-hashing queue shed the request, or the database pool stayed busy) says
// when to come back: after the queue's waiting limit, by which time every caller queued now has
// been served or refused (docs/configuration.md#password-hash-queue).
void unavailable_headers(const Config& config, const Error& error, httplib::Response& res) {
  if (error.code != ErrorCode::kServiceUnavailable) return;
  const auto seconds =
      std::chrono::ceil<std::chrono::seconds>(config.password_hash_queue_timeout).count();
  res.set_header("Retry-After", std::to_string(std::max<std::int64_t>(1, seconds)));
}

OperationDoc auth_doc(std::string summary, bool bearer, std::optional<Schema> body,
                      std::vector<ResponseDoc> responses) {
  OperationDoc doc;
  doc.tag = "Auth";
  doc.summary = std::move(summary);
  doc.bearer = bearer;
  doc.request_body = body;
  doc.responses = std::move(responses);
  return doc;
}

ResponseDoc err(int status, const char* description) {
  return {status, description, Schema::kErrorResponse, false};
}

// The errors a public POST can give besides its own: body, rate limit, server.
std::vector<ResponseDoc> with_public_errors(std::vector<ResponseDoc> responses) {
  responses.push_back(err(400, "Bad request"));
  responses.push_back(err(413, "Payload too large"));
  responses.push_back(err(415, "Unsupported media type"));
  responses.push_back(err(429, "Too many requests"));
  responses.push_back(err(500, "Internal server error"));
  responses.push_back(err(503, "Service unavailable"));
  return responses;
}

std::vector<ResponseDoc> with_protected_errors(std::vector<ResponseDoc> responses) {
  responses.push_back(err(401, "Unauthorized"));
  responses.push_back(err(500, "Internal server error"));
  return responses;
}

}  // namespace

void add_auth_routes(HttpServer& server, const std::unique_ptr<AuthService>& service_ptr) {
  // Dereferenced per request: the service is opened after the routes are built.
  const auto service = [&service_ptr]() -> AuthService& { return *service_ptr; };
  // A public POST: 415 for a non-UTF charset first (as the original's body parser, before the
  // rate limiter), then the library's operation (an AuthService::*_json member), whose
  // rate-limit decision gives the RateLimit-* headers.
  const auto public_post = [&server, service](auto operation, int success_status, auto render) {
    return [&server, service, operation, success_status, render](const httplib::Request& req,
                                                                 httplib::Response& res) {
      const auto body = json_body(req.get_header_value("Content-Type"), req.body);
      if (body.unsupported_charset) {
        server.send_error(req, res, Error(ErrorCode::kUnsupportedMediaType));
        return;
      }
      auto result = (service().*operation)(body.text, context(server, req));
      rate_limit_headers(result.rate_limit, res);
      if (!result) {
        unavailable_headers(service().config(), result.error(), res);
        server.send_error(req, res, result.error());
        return;
      }
      res.status = success_status;
      render(*result, res);
    };
  };

  server.add({"POST", "/v1/auth/register",
              auth_doc("Register a new user", false, Schema::kRegisterInput,
                       with_public_errors({{201, "User created", Schema::kRegisterResponse, false},
                                           err(409, "Conflict")})),
              public_post(&AuthService::register_user_json, 201,
                          [](const UserProfile& user, httplib::Response& res) {
                            res.set_content(json::register_response(user), kJson);
                          })});

  server.add({"POST", "/v1/auth/sessions",
              auth_doc("Create a new authenticated session", false, Schema::kCreateSessionInput,
                       with_public_errors({{200, "Session created", Schema::kAuthResponse, false},
                                           err(401, "Unauthorized")})),
              public_post(&AuthService::create_session_json, 200,
                          [](const AuthResult& result, httplib::Response& res) {
                            res.set_content(json::auth_response(result), kJson);
                          })});

  server.add(
      {"POST", "/v1/auth/tokens/refresh",
       auth_doc("Rotate refresh token and issue a new token pair", false,
                Schema::kRefreshTokenInput,
                with_public_errors({{200, "Token pair rotated", Schema::kAuthResponse, false},
                                    err(401, "Unauthorized")})),
       public_post(&AuthService::refresh_json, 200,
                   [](const AuthResult& result, httplib::Response& res) {
                     res.set_content(json::auth_response(result), kJson);
                   })});

  // Result<void> has no value to render: its own handler.
  server.add(
      {"POST", "/v1/auth/sessions/current/revoke",
       auth_doc("Revoke the current session by refresh token", false, Schema::kRefreshTokenInput,
                with_public_errors(
                    {{204, "Current session revoked", {}, false}, err(401, "Unauthorized")})),
       [&server, service](const httplib::Request& req, httplib::Response& res) {
         const auto body = json_body(req.get_header_value("Content-Type"), req.body);
         if (body.unsupported_charset) {
           server.send_error(req, res, Error(ErrorCode::kUnsupportedMediaType));
           return;
         }
         auto result = service().revoke_current_json(body.text, context(server, req));
         rate_limit_headers(result.rate_limit, res);
         if (!result) {
           server.send_error(req, res, result.error());
           return;
         }
         res.status = 204;
       }});

  // A protected route: the auth middleware (docs/api.md#auth-middleware), then the operation.
  const auto protect = [&server, service](auto operation) {
    return [&server, service, operation](const httplib::Request& req, httplib::Response& res) {
      const auto ctx = context(server, req);
      auto principal = service().authenticate(authorization(req), ctx);
      if (!principal) {
        server.send_error(req, res, principal.error());
        return;
      }
      auto& state = request_state(req, 0);  // already open: trust_proxy is not read again
      state.user_id = std::to_string(principal->user_id);
      state.session_id = principal->session_id;
      operation(req, res, *principal, ctx);
    };
  };

  server.add({"GET", "/v1/auth/me",
              auth_doc("Get the authenticated user and current session", true, std::nullopt,
                       with_protected_errors(
                           {{200, "Authenticated user context", Schema::kMeResponse, false},
                            err(404, "Not found")})),
              // Not `protect`: the bearer check and /me's reads are one store read here.
              [&server, service](const httplib::Request& req, httplib::Response& res) {
                const auto ctx = context(server, req);
                auto me = service().me(authorization(req), ctx);
                if (!me) return server.send_error(req, res, me.error());
                auto& state = request_state(req, 0);
                state.user_id = std::to_string(me->user.id);
                state.session_id = me->session.session.id;
                res.set_content(json::me_response(*me), kJson);
              }});

  server.add({"GET", "/v1/auth/sessions",
              auth_doc("List user sessions", true, std::nullopt,
                       with_protected_errors(
                           {{200, "User sessions", Schema::kSessionsListResponse, false}})),
              protect([&server, service](const httplib::Request& req, httplib::Response& res,
                                         const Principal& principal, const RequestContext& ctx) {
                auto sessions = service().list_sessions(principal, ctx);
                if (!sessions) return server.send_error(req, res, sessions.error());
                res.set_content(json::sessions_response(*sessions), kJson);
              })});

  server.add({"DELETE", "/v1/auth/sessions",
              auth_doc("Revoke all sessions of the authenticated user", true, std::nullopt,
                       with_protected_errors({{204, "All sessions revoked", {}, false}})),
              protect([&server, service](const httplib::Request& req, httplib::Response& res,
                                         const Principal& principal, const RequestContext& ctx) {
                auto revoked = service().revoke_all_sessions(principal, ctx);
                if (!revoked) return server.send_error(req, res, revoked.error());
                res.status = 204;
              })});

  auto revoke_one = auth_doc(
      "Revoke a specific session", true, std::nullopt,
      with_protected_errors(
          {{204, "Session revoked", {}, false}, err(400, "Bad request"), err(404, "Not found")}));
  revoke_one.path_params = {"sessionId"};
  server.add({"DELETE", "/v1/auth/sessions/{sessionId}", revoke_one,
              protect([&server, service](const httplib::Request& req, httplib::Response& res,
                                         const Principal& principal, const RequestContext& ctx) {
                auto revoked = service().revoke_session(principal, req.matches[1].str(), ctx);
                if (!revoked) return server.send_error(req, res, revoked.error());
                res.status = 204;
              })});
}

}  // namespace authkit::server
