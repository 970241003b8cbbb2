// Turns a route path into httplib's regular expression (case-insensitive, trailing slash).
#include "route.hpp"

namespace authkit::server {

std::string route_pattern(std::string_view path) {
  std::string pattern;
  for (std::size_t i = 0; i < path.size(); ++i) {
    const char c = path[i];
    if (c == '{') {
      // std::regex has no case-insensitive flag httplib would pass on: letters become [xX].
      i = path.find('}', i);
      pattern += "([^/]+)";
      if (i == std::string_view::npos) break;
    } else if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')) {
      const char lower = static_cast<char>(c | 0x20);
      pattern += '[';
      pattern += lower;
      pattern += static_cast<char>(lower - 'a' + 'A');
      pattern += ']';
    } else if ((c >= '0' && c <= '9') || c == '/' || c == '_') {
      pattern += c;
    } else {
      pattern += '\\';
      pattern += c;
    }
  }
  if (!pattern.ends_with('/')) pattern += "/?";
  return pattern;
}

}  // namespace authkit::server
