// Splitting a JWS compact serialisation into its three segments.
#pragma once

#include <optional>
#include <string_view>

namespace authkit::detail {

struct CompactParts {
  std::string_view header;         // base64url
  std::string_view payload;        // base64url
  std::string_view signature;      // base64url
  std::string_view signing_input;  // header "." payload
};

// Exactly three non-empty dot-separated segments; nullopt otherwise.
std::optional<CompactParts> split_compact(std::string_view token) noexcept;

}  // namespace authkit::detail
