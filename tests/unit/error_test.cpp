// The error table and Result<T>.
#include <catch2/catch.hpp>

#include "authkit/error.hpp"
#include "authkit/result.hpp"

using authkit::Error;
using authkit::ErrorCode;
using authkit::Result;

TEST_CASE("every error code round-trips through its contract spelling", "[error]") {
  for (int i = 0; i <= static_cast<int>(ErrorCode::kRequestHeaderFieldsTooLarge); ++i) {
    const auto code = static_cast<ErrorCode>(i);
    const auto spelled = authkit::to_string(code);
    CAPTURE(spelled);
    REQUIRE(authkit::error_code_from_string(spelled) == code);
  }
  CHECK_FALSE(authkit::error_code_from_string("NOPE").has_value());
}

TEST_CASE("the error table holds the contract's statuses and messages", "[error]") {
  struct Row {
    ErrorCode code;
    const char* spelling;
    int status;
    const char* message;
  };
  const Row rows[] = {
      {ErrorCode::kInvalidPayload, "INVALID_PAYLOAD", 400, "invalid payload"},
      {ErrorCode::kAuthorizationRequired, "AUTHORIZATION_REQUIRED", 401,
       "authorization header is required"},
      {ErrorCode::kInvalidAuthorizationHeader, "INVALID_AUTHORIZATION_HEADER", 401,
       "authorization header must use Bearer token"},
      {ErrorCode::kInvalidToken, "INVALID_TOKEN", 401, "invalid token"},
      {ErrorCode::kSessionNotFound, "SESSION_NOT_FOUND", 401, "session not found"},
      {ErrorCode::kSessionNotActive, "SESSION_NOT_ACTIVE", 401, "session is not active"},
      {ErrorCode::kInvalidCredentials, "INVALID_CREDENTIALS", 401, "invalid credentials"},
      {ErrorCode::kUserAlreadyExists, "USER_ALREADY_EXISTS", 409, "user already exists"},
      {ErrorCode::kInvalidRefreshToken, "INVALID_REFRESH_TOKEN", 401, "invalid refresh token"},
      {ErrorCode::kSessionCompromised, "SESSION_COMPROMISED", 401, "session compromised"},
      {ErrorCode::kSessionRevoked, "SESSION_REVOKED", 401, "session revoked"},
      {ErrorCode::kRefreshTokenReused, "REFRESH_TOKEN_REUSED", 401, "refresh token reuse detected"},
      {ErrorCode::kRefreshTokenExpired, "REFRESH_TOKEN_EXPIRED", 401, "refresh token expired"},
      {ErrorCode::kAuthContextNotFound, "AUTH_CONTEXT_NOT_FOUND", 404,
       "authenticated context not found"},
      {ErrorCode::kTooManyRequests, "TOO_MANY_REQUESTS", 429, "too many requests"},
      {ErrorCode::kMetricsAuthorizationRequired, "METRICS_AUTHORIZATION_REQUIRED", 401,
       "metrics authorization is required"},
      {ErrorCode::kInternalServerError, "INTERNAL_SERVER_ERROR", 500, "internal server error"},
      {ErrorCode::kServiceUnavailable, "SERVICE_UNAVAILABLE", 503, "service unavailable"},
      {ErrorCode::kPayloadTooLarge, "PAYLOAD_TOO_LARGE", 413, "payload too large"},
      {ErrorCode::kUnsupportedMediaType, "UNSUPPORTED_MEDIA_TYPE", 415, "unsupported media type"},
      {ErrorCode::kNotFound, "NOT_FOUND", 404, "not found"},
      {ErrorCode::kRequestTimeout, "REQUEST_TIMEOUT", 408, "request timeout"},
      {ErrorCode::kRequestHeaderFieldsTooLarge, "REQUEST_HEADER_FIELDS_TOO_LARGE", 431,
       "request header fields too large"},
  };
  for (const auto& row : rows) {
    CAPTURE(row.spelling);
    const auto& info = authkit::error_info(row.code);
    CHECK(info.code == row.spelling);
    CHECK(info.status == row.status);
    CHECK(info.message == row.message);
    const Error e(row.code);
    CHECK(e.status == row.status);
    CHECK(e.message == row.message);
    CHECK(e.details.empty());
  }
}

TEST_CASE("an operation may set a status that differs from the table", "[error]") {
  const Error e = Error(ErrorCode::kSessionNotFound).with_status(404);
  CHECK(e.code == ErrorCode::kSessionNotFound);
  CHECK(e.status == 404);
  CHECK(e.message == "session not found");
}

namespace {
Result<int> parse_positive(int v) {
  if (v <= 0) return Error(ErrorCode::kInvalidPayload, "not positive");
  return v;
}
Result<int> doubled(int v) {
  auto parsed = parse_positive(v);
  if (!parsed) return parsed.error();
  return *parsed * 2;
}
Result<void> check(int v) {
  AUTHKIT_RETURN_IF_ERROR(parse_positive(v));
  return {};
}
}  // namespace

TEST_CASE("Result carries a value or an error", "[error]") {
  auto good = doubled(21);
  REQUIRE(good.ok());
  CHECK(*good == 42);
  auto bad = doubled(-1);
  REQUIRE_FALSE(bad.ok());
  CHECK(bad.error().code == ErrorCode::kInvalidPayload);
  CHECK(bad.error().diagnostic == "not positive");
  CHECK(check(1).ok());
  auto failed = check(0);
  REQUIRE_FALSE(failed);
  CHECK(failed.error().status == 400);
}
