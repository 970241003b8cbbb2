// The JWT payload: serialising Claims in the original's order, and validating a parsed payload.
#pragma once

#include <string>

#include "authkit/jwt.hpp"
#include "token/strict_json.hpp"

namespace authkit::detail {

// {"sid":..,"typ":..,"iat":..,"exp":..,"aud":..,"iss":..,"sub":..,"jti":..}, compact.
std::string serialize_claims(const Claims& claims);

// Checks a verified payload's claims (docs/api.md#token-verification, with exp and iat
// required: docs/compatibility.md#jwt-verification-pinned).
// The expiry is checked last, so kExpired means the token is otherwise entirely valid.
Result<Claims, TokenRejection> validate_claims(const JsonObject& payload, TokenType expected,
                                               const TokenValidation& validation,
                                               std::int64_t now_seconds);

}  // namespace authkit::detail
