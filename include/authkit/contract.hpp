/// @file
/// The request schemas of the REST contract: typed inputs, their validation, their JSON Schema.
#pragma once

#include <array>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include "authkit/export.hpp"
#include "authkit/result.hpp"

namespace authkit {
inline namespace v1 {

// Every failure below is Error(ErrorCode::kInvalidPayload) whose `details` list every problem
// found, in schema field order and, within a field, as type, minimum, maximum, format — with the
// exact paths and messages of the original service (zod's wording included), so that an HTTP
// client and an in-process caller see the same thing. Strings marked "trimmed" are trimmed as
// JavaScript's String.prototype.trim does and the trimmed value is what the result holds;
// lengths are JavaScript lengths (UTF-16 code units).
//
// Usage (HTTP layer):
//   auto input = authkit::parse_register_input(has_json_content_type
//                                                  ? std::optional<std::string_view>(body)
//                                                  : std::nullopt);
//   if (!input) return send_error(input.error());
//   service.register_user(*input, ...);
//
// All functions are thread-safe (they keep no state) and throw nothing but std::bad_alloc.

/// Limits libauthkit adds to the original's rules (docs/compatibility.md#password-max-length,
/// docs/compatibility.md#input-max-lengths).
inline constexpr std::size_t kMaxNameLength = 100;
/// Longest accepted e-mail (RFC 5321's path limit), docs/compatibility.md#input-max-lengths.
inline constexpr std::size_t kMaxEmailLength = 254;
inline constexpr std::size_t kMaxRegisterPasswordLength = 128;  ///< the contract's own rule
/// Longest password accepted by login (register allows 128).
inline constexpr std::size_t kMaxLoginPasswordLength = 1024;
/// Longest refresh token accepted (tokens are at most 8 KiB).
inline constexpr std::size_t kMaxRefreshTokenLength = 8192;

/// POST /v1/auth/register. name and email trimmed; password used exactly as given.
struct RegisterInput {
  std::string name;      ///< Display name, trimmed, at least 2 characters.
  std::string email;     ///< E-mail, trimmed; normalised by the operation.
  std::string password;  ///< Password, not trimmed, 8 to 128 characters.
  /// Field-wise equality.
  friend bool operator==(const RegisterInput&, const RegisterInput&) = default;
};

/// POST /v1/auth/sessions (login). email trimmed; password as given.
struct CreateSessionInput {
  std::string email;     ///< E-mail, trimmed.
  std::string password;  ///< Password, not trimmed, at least 8 characters.
  /// Field-wise equality.
  friend bool operator==(const CreateSessionInput&, const CreateSessionInput&) = default;
};

/// POST /v1/auth/tokens/refresh and POST /v1/auth/sessions/current/revoke (JSON "refreshToken").
struct RefreshTokenInput {
  std::string refresh_token;  ///< The refresh token, trimmed, not empty.
  /// Field-wise equality.
  friend bool operator==(const RefreshTokenInput&, const RefreshTokenInput&) = default;
};

/// Validates a request body. `json_body` is the body text when the request carried a JSON
/// content type and nullopt when it did not (which the contract reports as an undefined body).
/// The text must be UTF-8 JSON whose top level is an object (an array is reported as the
/// contract does); an empty text counts as {}, a leading UTF-8 BOM is skipped, duplicate member
/// names keep the last value, unknown members are ignored. Malformed JSON gives one detail at
/// path "body" (libauthkit's deliberate fix, docs/compatibility.md#malformed-json; the original
/// answered an HTML 500).
AUTHKIT_API Result<RegisterInput> parse_register_input(std::optional<std::string_view> json_body);
/// Parses and validates a login body (nullopt: no JSON body).
AUTHKIT_API Result<CreateSessionInput> parse_create_session_input(
    std::optional<std::string_view> json_body);
/// Parses and validates a refresh or logout body (nullopt: no JSON body).
AUTHKIT_API Result<RefreshTokenInput> parse_refresh_token_input(
    std::optional<std::string_view> json_body);

/// The same field rules for typed callers (C++, C ABI, Python): the result holds the trimmed
/// values. A string that is not valid UTF-8 gives "<field> must be valid UTF-8" (JSON bodies
/// cannot carry one: they are refused as malformed).
AUTHKIT_API Result<RegisterInput> validate(RegisterInput input);
/// Validates an already typed login input.
AUTHKIT_API Result<CreateSessionInput> validate(CreateSessionInput input);
/// Validates an already typed refresh or logout input.
AUTHKIT_API Result<RefreshTokenInput> validate(RefreshTokenInput input);

/// The :sessionId path parameter of DELETE /v1/auth/sessions/:sessionId, returned unchanged when
/// it has the contract's UUID shape (either case; the nil UUID passes).
AUTHKIT_API Result<std::string> validate_session_id(std::string_view session_id);

/// The form under which an e-mail address is looked up and stored: JavaScript trim, then ASCII
/// lower-case (validated addresses are ASCII, so this is the original's toLowerCase()).
AUTHKIT_API std::string normalize_email(std::string_view email);

/// The component schemas of the OpenAPI document (/docs.json), in the document's order.
enum class Schema {
  kRegisterInput,
  kCreateSessionInput,
  kRefreshTokenInput,
  kSessionParams,
  kUser,
  kSession,
  kAuthResponse,
  kRegisterResponse,
  kMeResponse,
  kSessionsListResponse,
  kErrorResponse,
};

/// Every Schema, in that order.
inline constexpr std::array kAllSchemas{
    Schema::kRegisterInput,
    Schema::kCreateSessionInput,
    Schema::kRefreshTokenInput,
    Schema::kSessionParams,
    Schema::kUser,
    Schema::kSession,
    Schema::kAuthResponse,
    Schema::kRegisterResponse,
    Schema::kMeResponse,
    Schema::kSessionsListResponse,
    Schema::kErrorResponse,
};

/// The component name, e.g. "RegisterInput".
AUTHKIT_API std::string_view schema_name(Schema schema) noexcept;

/// The schema as compact JSON Schema text, keys in the original document's order. The request
/// schemas are generated from the declarations the validators use, so they carry libauthkit's
/// added maxLength limits; the response schemas describe the serialised resources.
AUTHKIT_API std::string json_schema(Schema schema);

}  // namespace v1
}  // namespace authkit
