// Bearer-token extraction with the rule of spec §6 step 2, for /metrics.
#pragma once

#include <optional>
#include <string_view>

namespace authkit::server {

// The token of an Authorization value: trimmed; the part before the first ASCII space must be
// "bearer" in any ASCII case; the rest, trimmed, is the token (internal spaces kept). nullopt
// when there is none. The result views `authorization`.
std::optional<std::string_view> bearer_token(std::string_view authorization) noexcept;

}  // namespace authkit::server
