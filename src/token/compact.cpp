// Splitting a JWS compact serialisation into its three segments.
#include "token/compact.hpp"

namespace authkit::detail {

std::optional<CompactParts> split_compact(std::string_view token) noexcept {
  const auto first = token.find('.');
  if (first == std::string_view::npos) return std::nullopt;
  const auto second = token.find('.', first + 1);
  if (second == std::string_view::npos) return std::nullopt;
  if (token.find('.', second + 1) != std::string_view::npos) return std::nullopt;
  CompactParts parts{token.substr(0, first), token.substr(first + 1, second - first - 1),
                     token.substr(second + 1), token.substr(0, second)};
  if (parts.header.empty() || parts.payload.empty() || parts.signature.empty()) {
    return std::nullopt;  // an empty signature is how "alg":"none" tokens look
  }
  return parts;
}

}  // namespace authkit::detail
