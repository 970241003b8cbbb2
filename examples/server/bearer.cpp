// The original's bearer parsing (no regex), used by the metrics gate.
#include "bearer.hpp"

namespace authkit::server {
namespace {

// JavaScript's trim for the ASCII white space an HTTP header value can hold.
std::string_view trim(std::string_view text) noexcept {
  constexpr std::string_view kSpace = " \t\r\n\f\v";
  const auto first = text.find_first_not_of(kSpace);
  if (first == std::string_view::npos) return {};
  const auto last = text.find_last_not_of(kSpace);
  return text.substr(first, last - first + 1);
}

bool equals_ascii_ci(std::string_view a, std::string_view b) noexcept {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    char x = a[i];
    if (x >= 'A' && x <= 'Z') x = static_cast<char>(x - 'A' + 'a');
    if (x != b[i]) return false;
  }
  return true;
}

}  // namespace

std::optional<std::string_view> bearer_token(std::string_view authorization) noexcept {
  const auto value = trim(authorization);
  if (value.empty()) return std::nullopt;
  const auto space = value.find(' ');
  if (space == std::string_view::npos) return std::nullopt;
  if (!equals_ascii_ci(value.substr(0, space), "bearer")) return std::nullopt;
  const auto token = trim(value.substr(space + 1));
  if (token.empty()) return std::nullopt;
  return token;
}

}  // namespace authkit::server
