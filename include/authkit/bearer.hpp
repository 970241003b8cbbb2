/// @file
/// extract_bearer_token: the Authorization-header rule of docs/api.md#bearer-extraction
/// (also for /metrics).
#pragma once

#include <optional>
#include <string_view>

#include "authkit/export.hpp"

namespace authkit {
inline namespace v1 {

/// The token of an `Authorization` value, exactly as the original reads it (no regex): the
/// value is trimmed (JavaScript trim); the part before its first ASCII space (0x20) must be
/// "bearer" in any ASCII case; the rest, trimmed, is the token, internal spaces kept
/// ("Bearer a b" gives "a b"). nullopt when there is no token: an empty value, no space
/// ("Bearer\tabc", "Bearer"), another scheme ("Basic ..."), or nothing after the scheme.
/// The result views `authorization`.
AUTHKIT_API std::optional<std::string_view> extract_bearer_token(
    std::string_view authorization) noexcept;

}  // namespace v1
}  // namespace authkit
