// extract_bearer_token: the original's hand-written Authorization parsing (contract §6 step 2).
#include "authkit/bearer.hpp"

#include "js/js_string.hpp"

namespace authkit {
inline namespace v1 {
namespace {

bool equals_ascii_case_insensitive(std::string_view a, std::string_view b) noexcept {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    char x = a[i];
    char y = b[i];
    if (x >= 'A' && x <= 'Z') x = static_cast<char>(x - 'A' + 'a');
    if (y >= 'A' && y <= 'Z') y = static_cast<char>(y - 'A' + 'a');
    if (x != y) return false;
  }
  return true;
}

}  // namespace

std::optional<std::string_view> extract_bearer_token(std::string_view authorization) noexcept {
  const std::string_view value = detail::js_trim(authorization);
  if (value.empty()) return std::nullopt;
  // Only the first 0x20 splits: "Bearer\tabc" has no scheme separator at all.
  const auto space = value.find(' ');
  if (space == std::string_view::npos) return std::nullopt;
  if (!equals_ascii_case_insensitive(value.substr(0, space), "bearer")) return std::nullopt;
  const std::string_view token = detail::js_trim(value.substr(space + 1));
  if (token.empty()) return std::nullopt;
  return token;
}

}  // namespace v1
}  // namespace authkit
