// The error table: each ErrorCode's contract spelling, default HTTP status and message.
#include "authkit/error.hpp"

#include <array>
#include <utility>

namespace authkit {
inline namespace v1 {
namespace {

// Indexed by ErrorCode; the order must follow the enum (checked below and in error_test).
constexpr std::array kErrorTable{
    ErrorInfo{"INVALID_PAYLOAD", 400, "invalid payload"},
    ErrorInfo{"AUTHORIZATION_REQUIRED", 401, "authorization header is required"},
    ErrorInfo{"INVALID_AUTHORIZATION_HEADER", 401, "authorization header must use Bearer token"},
    ErrorInfo{"INVALID_TOKEN", 401, "invalid token"},
    ErrorInfo{"SESSION_NOT_FOUND", 401, "session not found"},
    ErrorInfo{"SESSION_NOT_ACTIVE", 401, "session is not active"},
    ErrorInfo{"INVALID_CREDENTIALS", 401, "invalid credentials"},
    ErrorInfo{"USER_ALREADY_EXISTS", 409, "user already exists"},
    ErrorInfo{"INVALID_REFRESH_TOKEN", 401, "invalid refresh token"},
    ErrorInfo{"SESSION_COMPROMISED", 401, "session compromised"},
    ErrorInfo{"SESSION_REVOKED", 401, "session revoked"},
    ErrorInfo{"REFRESH_TOKEN_REUSED", 401, "refresh token reuse detected"},
    ErrorInfo{"REFRESH_TOKEN_EXPIRED", 401, "refresh token expired"},
    ErrorInfo{"AUTH_CONTEXT_NOT_FOUND", 404, "authenticated context not found"},
    ErrorInfo{"TOO_MANY_REQUESTS", 429, "too many requests"},
    ErrorInfo{"METRICS_AUTHORIZATION_REQUIRED", 401, "metrics authorization is required"},
    ErrorInfo{"INTERNAL_SERVER_ERROR", 500, "internal server error"},
    ErrorInfo{"SERVICE_UNAVAILABLE", 503, "service unavailable"},
    ErrorInfo{"PAYLOAD_TOO_LARGE", 413, "payload too large"},
    ErrorInfo{"UNSUPPORTED_MEDIA_TYPE", 415, "unsupported media type"},
    ErrorInfo{"NOT_FOUND", 404, "not found"},
    ErrorInfo{"INVALID_CONFIGURATION", 500, "invalid configuration"},
    ErrorInfo{"REQUEST_TIMEOUT", 408, "request timeout"},
    ErrorInfo{"REQUEST_HEADER_FIELDS_TOO_LARGE", 431, "request header fields too large"},
};
static_assert(kErrorTable.size() ==
                  static_cast<std::size_t>(ErrorCode::kRequestHeaderFieldsTooLarge) + 1,
              "every ErrorCode needs a row in kErrorTable");

}  // namespace

const ErrorInfo& error_info(ErrorCode code) noexcept {
  return kErrorTable[static_cast<std::size_t>(code)];
}

std::string_view to_string(ErrorCode code) noexcept { return error_info(code).code; }

std::optional<ErrorCode> error_code_from_string(std::string_view code) noexcept {
  for (std::size_t i = 0; i < kErrorTable.size(); ++i) {
    if (kErrorTable[i].code == code) return static_cast<ErrorCode>(i);
  }
  return std::nullopt;
}

Error::Error(ErrorCode c) : code(c), status(error_info(c).status), message(error_info(c).message) {}

Error::Error(ErrorCode c, std::string diagnostic_text) : Error(c) {
  diagnostic = std::move(diagnostic_text);
}

Error Error::with_status(int http_status) && {
  status = http_status;
  return std::move(*this);
}

}  // namespace v1
}  // namespace authkit
