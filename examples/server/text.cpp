// Small ASCII text helpers for header values: trimming spaces and tabs, lower-casing.
#include "text.hpp"

#include <algorithm>

namespace authkit::server {

std::string_view trim(std::string_view text) noexcept {
  const auto first = text.find_first_not_of(" \t");
  if (first == std::string_view::npos) return {};
  const auto last = text.find_last_not_of(" \t");
  return text.substr(first, last - first + 1);
}

namespace {

char lower_char(char c) noexcept {
  return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
}

}  // namespace

std::string lower(std::string_view text) {
  std::string out(text.size(), '\0');
  std::ranges::transform(text, out.begin(), lower_char);
  return out;
}

bool iequals(std::string_view a, std::string_view b) noexcept {
  return std::ranges::equal(a, b, {}, lower_char, lower_char);
}

}  // namespace authkit::server
