// Header fields read whole, and empty fields found in the raw head.
#include "header_fields.hpp"

namespace authkit::server {
namespace {

bool is_ows(char c) noexcept { return c == ' ' || c == '\t'; }

char lower(char c) noexcept { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

bool equals_ascii_case_insensitive(std::string_view a, std::string_view b) noexcept {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (lower(a[i]) != lower(b[i])) return false;
  }
  return true;
}

}  // namespace

std::optional<std::string> first_header_value(const httplib::Request& req,
                                              const std::string& name) {
  const auto found = req.headers.find(name);  // the multimap compares names case-insensitively
  if (found == req.headers.end()) return std::nullopt;
  return found->second;
}

bool has_empty_field(std::string_view head, std::string_view name) noexcept {
  // One pass over the lines; the first line is the request line, never a field.
  std::size_t line_end = head.find('\n');
  while (line_end != std::string_view::npos && line_end + 1 < head.size()) {
    const std::size_t start = line_end + 1;
    line_end = head.find('\n', start);
    std::string_view line =
        head.substr(start, line_end == std::string_view::npos ? head.npos : line_end - start);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.empty()) break;  // the end of the head
    const std::size_t colon = line.find(':');
    if (colon == std::string_view::npos) continue;
    if (!equals_ascii_case_insensitive(line.substr(0, colon), name)) continue;
    std::string_view value = line.substr(colon + 1);
    while (!value.empty() && is_ows(value.front())) value.remove_prefix(1);
    if (value.empty()) return true;
  }
  return false;
}

}  // namespace authkit::server
