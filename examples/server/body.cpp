// Content-Type parsing for JSON request bodies.
#include "body.hpp"
#include "text.hpp"

#include <string>

namespace authkit::server {

JsonBody json_body(std::string_view content_type, std::string_view body) {
  JsonBody result;
  const auto semicolon = content_type.find(';');
  if (lower(trim(content_type.substr(0, semicolon))) != "application/json") return result;
  // Parameters: only charset matters, and only a UTF encoding is accepted
  // (docs/api.md#request-body).
  std::string_view params =
      semicolon == std::string_view::npos ? std::string_view() : content_type.substr(semicolon + 1);
  while (!params.empty()) {
    const auto next = params.find(';');
    const auto param = trim(params.substr(0, next));
    params = next == std::string_view::npos ? std::string_view() : params.substr(next + 1);
    const auto eq = param.find('=');
    if (eq == std::string_view::npos || lower(trim(param.substr(0, eq))) != "charset") continue;
    auto value = trim(param.substr(eq + 1));
    if (value.size() >= 2 && value.front() == '"' && value.back() == '"') {
      value = value.substr(1, value.size() - 2);
    }
    if (!lower(value).starts_with("utf-")) {
      result.unsupported_charset = true;
      return result;
    }
  }
  result.text = body;
  return result;
}

}  // namespace authkit::server
