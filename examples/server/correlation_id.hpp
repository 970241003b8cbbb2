// Correlation ids: read from x-correlation-id, validated, else freshly generated
// (docs/compatibility.md#request-log-and-correlation-id).
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace authkit::server {

inline constexpr std::size_t kMaxCorrelationIdLength = 128;

// True when `id` may be echoed and logged: 1 to 128 printable ASCII characters (0x20-0x7E).
bool is_valid_correlation_id(std::string_view id) noexcept;

// The request's correlation id: the x-correlation-id values joined by ", " (Node's semantics
// for a repeated header), trimmed; a fresh UUID v4 when that is empty or invalid, so that a
// client cannot forge log lines or inflate them
// (docs/compatibility.md#request-log-and-correlation-id).
std::string correlation_id_from(const std::vector<std::string>& header_values);

}  // namespace authkit::server
