/// @file
/// Error codes of the REST contract, their default HTTP status and message, and Error values.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "authkit/export.hpp"

namespace authkit {
inline namespace v1 {

/// Every error a libauthkit operation can report. The names are the contract's codes
/// (kInvalidPayload is "INVALID_PAYLOAD"); values may only ever be appended.
enum class ErrorCode {
  kInvalidPayload,
  kAuthorizationRequired,
  kInvalidAuthorizationHeader,
  kInvalidToken,
  kSessionNotFound,
  kSessionNotActive,
  kInvalidCredentials,
  kUserAlreadyExists,
  kInvalidRefreshToken,
  kSessionCompromised,
  kSessionRevoked,
  kRefreshTokenReused,
  kRefreshTokenExpired,
  kAuthContextNotFound,
  kTooManyRequests,
  kMetricsAuthorizationRequired,
  kInternalServerError,
  /// Added by libauthkit (not in the original service).
  kServiceUnavailable,
  kPayloadTooLarge,
  kUnsupportedMediaType,
  kNotFound,
  kInvalidConfiguration,
  /// Added for the reference server's HTTP edge (docs/compatibility.md#the-http-edge).
  kRequestTimeout,
  kRequestHeaderFieldsTooLarge,
};

/// One row of the error table.
struct ErrorInfo {
  std::string_view code;     ///< "INVALID_PAYLOAD"
  int status;                ///< default HTTP status
  std::string_view message;  ///< default message, exactly as the contract words it
};

/// The table row of `code`; total over the enum.
AUTHKIT_API const ErrorInfo& error_info(ErrorCode code) noexcept;
/// The contract's spelling of `code`, e.g. "SESSION_NOT_FOUND".
AUTHKIT_API std::string_view to_string(ErrorCode code) noexcept;
/// The inverse of to_string; nullopt for a spelling that names no code.
AUTHKIT_API std::optional<ErrorCode> error_code_from_string(std::string_view code) noexcept;

/// One validation problem: which field (or "body"/"params") and what is wrong with it.
struct ErrorDetail {
  std::string path;     ///< The field the problem is in, e.g. `email`; `body` for the whole body.
  std::string message;  ///< What is wrong, in the contract's words.
  /// Field-wise equality.
  friend bool operator==(const ErrorDetail&, const ErrorDetail&) = default;
};

/// A failed operation. `message` and `details` are safe to show to a client; `diagnostic` is for
/// operators' logs (what a backend said, say) and never carries a secret, token or password.
struct AUTHKIT_API Error {
  ErrorCode code = ErrorCode::kInternalServerError;  ///< The contract's code.
  int status = 500;                  ///< The HTTP status the REST server answers with.
  std::string message;               ///< The message shown to the client.
  std::vector<ErrorDetail> details;  ///< Validation problems (INVALID_PAYLOAD only).
  std::string diagnostic;  ///< For operators' logs only; never a secret, token or password.

  Error() = default;
  /// The table's default status and message for `code`.
  explicit Error(ErrorCode c);
  /// The table's status and message for `c`, with `diagnostic_text` for the logs.
  Error(ErrorCode c, std::string diagnostic_text);

  /// The same error with another HTTP status, for operations where the contract differs from
  /// the table (SESSION_NOT_FOUND is 404 from DELETE /v1/auth/sessions/:id).
  Error with_status(int http_status) &&;
};

}  // namespace v1
}  // namespace authkit
