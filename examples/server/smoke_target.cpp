// Parsing the smoke check's --url: a small, strict subset of RFC 3986 (scheme, host, port,
// path), enough to name a deployment and to refuse what the check could not honour.
#include "smoke_target.hpp"

#include <charconv>

namespace authkit::server {
namespace {

bool is_host_char(char c) noexcept {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
         c == '.' || c == '_';
}

bool is_ipv6_char(char c) noexcept {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F') || c == ':' ||
         c == '.';
}

bool is_path_char(char c) noexcept {
  // RFC 3986 pchar without percent-encoding: letters, digits, "-._~!$&'()*+,;=:@" and '/'.
  if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) return true;
  for (const char allowed : std::string_view("-._~!$&'()*+,;=:@/")) {
    if (c == allowed) return true;
  }
  return false;
}

}  // namespace

std::string SmokeTarget::origin() const {
  const bool ipv6 = host.find(':') != std::string::npos;
  const bool default_port = port == (scheme == "https" ? 443 : 80);
  return scheme + "://" + (ipv6 ? "[" + host + "]" : host) +
         (default_port ? "" : ":" + std::to_string(port));
}

std::string SmokeTarget::url_of(std::string_view path) const {
  return origin() + base_path + std::string(path);
}

std::variant<SmokeTarget, std::string> parse_smoke_target(std::string_view url) {
  SmokeTarget target;
  const auto scheme_end = url.find("://");
  if (scheme_end == std::string_view::npos) {
    return std::string("the URL must start with http:// or https://");
  }
  const std::string_view scheme = url.substr(0, scheme_end);
  if (scheme == "http") {
    target.port = 80;
  } else if (scheme == "https") {
    target.port = 443;
  } else {
    return std::string("the URL must start with http:// or https://");
  }
  target.scheme = std::string(scheme);
  std::string_view rest = url.substr(scheme_end + 3);
  if (rest.find_first_of("?#") != std::string_view::npos) {
    return std::string("the URL must not have a query or fragment");
  }
  const auto path_start = rest.find('/');
  std::string_view authority = rest.substr(0, path_start);
  std::string_view path = path_start == std::string_view::npos ? "" : rest.substr(path_start);
  if (authority.find('@') != std::string_view::npos) {
    return std::string("the URL must not hold user information (user:password@)");
  }

  std::string_view port_text;
  if (!authority.empty() && authority.front() == '[') {
    const auto close = authority.find(']');
    if (close == std::string_view::npos) return std::string("the URL's IPv6 address lacks ']'");
    target.host = std::string(authority.substr(1, close - 1));
    const std::string_view after = authority.substr(close + 1);
    if (!after.empty()) {
      if (after.front() != ':') return std::string("the URL's host is malformed");
      port_text = after.substr(1);
    }
    if (target.host.empty()) return std::string("the URL has no host");
    for (const char c : target.host) {
      if (!is_ipv6_char(c)) return std::string("the URL's IPv6 address is malformed");
    }
  } else {
    const auto colon = authority.find(':');
    target.host = std::string(authority.substr(0, colon));
    if (colon != std::string_view::npos) port_text = authority.substr(colon + 1);
    if (target.host.empty()) return std::string("the URL has no host");
    for (const char c : target.host) {
      if (!is_host_char(c)) return std::string("the URL's host is malformed");
    }
  }
  if (!port_text.empty() || authority.ends_with(':')) {
    int port = 0;
    const auto [end, ec] =
        std::from_chars(port_text.data(), port_text.data() + port_text.size(), port);
    if (ec != std::errc() || end != port_text.data() + port_text.size() || port < 1 ||
        port > 65535) {
      return std::string("the URL's port must be a number from 1 to 65535");
    }
    target.port = port;
  }

  for (const char c : path) {
    if (!is_path_char(c)) return std::string("the URL's path holds a character it cannot have");
  }
  while (!path.empty() && path.back() == '/') path.remove_suffix(1);
  target.base_path = std::string(path);
  return target;
}

}  // namespace authkit::server
