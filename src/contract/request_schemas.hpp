// The four request schemas of the contract (docs/api.md#request-schemas), each field declared once.
#pragma once

#include <array>

#include "authkit/contract.hpp"
#include "contract/field_rule.hpp"

namespace authkit::detail {

// The contract's rules and messages plus libauthkit's limits
// (docs/compatibility.md#password-max-length, docs/compatibility.md#input-max-lengths); these
// declarations drive validation and the JSON Schema alike.

inline constexpr StringField kNameField{
    .property = "name",
    .trim = true,
    .min = LengthRule{2, "name must have at least 2 characters", BoundOrigin::kContract},
    .max = LengthRule{kMaxNameLength, "name must have at most 100 characters",
                      BoundOrigin::kLibauthkit},
    .format = StringFormat::kNone,
    .format_message = "",
    .control_message = "name must not contain control characters",
    .utf8_message = "name must be valid UTF-8",
};

inline constexpr StringField kEmailField{
    .property = "email",
    .trim = true,
    .min = std::nullopt,
    .max = LengthRule{kMaxEmailLength, "email must have at most 254 characters",
                      BoundOrigin::kLibauthkit},
    .format = StringFormat::kEmail,
    .format_message = "email must be a valid email",
    .control_message = "",
    .utf8_message = "email must be valid UTF-8",
};

// The password is never trimmed: it is hashed exactly as sent.
inline constexpr StringField kRegisterPasswordField{
    .property = "password",
    .trim = false,
    .min = LengthRule{8, "password must have at least 8 characters", BoundOrigin::kContract},
    .max = LengthRule{kMaxRegisterPasswordLength, "password must have at most 128 characters",
                      BoundOrigin::kContract},
    .format = StringFormat::kNone,
    .format_message = "",
    .control_message = "",
    .utf8_message = "password must be valid UTF-8",
};

// Login keeps the original's minimum; the maximum only bounds the hashing work
// (docs/compatibility.md#password-max-length).
inline constexpr StringField kLoginPasswordField{
    .property = "password",
    .trim = false,
    .min = LengthRule{8, "password must have at least 8 characters", BoundOrigin::kContract},
    .max = LengthRule{kMaxLoginPasswordLength, "password must have at most 1024 characters",
                      BoundOrigin::kLibauthkit},
    .format = StringFormat::kNone,
    .format_message = "",
    .control_message = "",
    .utf8_message = "password must be valid UTF-8",
};

inline constexpr StringField kRefreshTokenField{
    .property = "refreshToken",
    .trim = true,
    .min = LengthRule{1, "refreshToken is required", BoundOrigin::kContract},
    .max = LengthRule{kMaxRefreshTokenLength, "refreshToken must have at most 8192 characters",
                      BoundOrigin::kLibauthkit},
    .format = StringFormat::kNone,
    .format_message = "",
    .control_message = "",
    .utf8_message = "refreshToken must be valid UTF-8",
};

// A path parameter: never trimmed, and bytes that are not UTF-8 are simply not a uuid.
inline constexpr StringField kSessionIdField{
    .property = "sessionId",
    .trim = false,
    .min = std::nullopt,
    .max = std::nullopt,
    .format = StringFormat::kUuid,
    .format_message = "sessionId must be a valid uuid",
    .control_message = "",
    .utf8_message = "sessionId must be a valid uuid",
};

inline constexpr std::array kRegisterFields{kNameField, kEmailField, kRegisterPasswordField};
inline constexpr std::array kCreateSessionFields{kEmailField, kLoginPasswordField};
inline constexpr std::array kRefreshTokenFields{kRefreshTokenField};
inline constexpr std::array kSessionParamsFields{kSessionIdField};

inline constexpr ObjectSchema kRegisterSchema{"RegisterInput", kRegisterFields};
inline constexpr ObjectSchema kCreateSessionSchema{"CreateSessionInput", kCreateSessionFields};
inline constexpr ObjectSchema kRefreshTokenSchema{"RefreshTokenInput", kRefreshTokenFields};
inline constexpr ObjectSchema kSessionParamsSchema{"SessionParams", kSessionParamsFields};

}  // namespace authkit::detail
