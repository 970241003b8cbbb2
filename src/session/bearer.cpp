// extract_bearer_token: the original's hand-written Authorization parsing
// (docs/api.md#bearer-extraction).
#include "authkit/bearer.hpp"

#include "base/text.hpp"
#include "js/js_string.hpp"

namespace authkit {
inline namespace v1 {
std::optional<std::string_view> extract_bearer_token(std::string_view authorization) noexcept {
  const std::string_view value = detail::js_trim(authorization);
  if (value.empty()) return std::nullopt;
  // Only the first 0x20 splits: "Bearer\tabc" has no scheme separator at all.
  const auto space = value.find(' ');
  if (space == std::string_view::npos) return std::nullopt;
  if (!text::ascii_iequals(value.substr(0, space), "bearer")) return std::nullopt;
  const std::string_view token = detail::js_trim(value.substr(space + 1));
  if (token.empty()) return std::nullopt;
  return token;
}

}  // namespace v1
}  // namespace authkit
