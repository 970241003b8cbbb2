// The deployment a smoke check talks to: the --url of `authkit-server smoke`, parsed.
#pragma once

#include <string>
#include <string_view>
#include <variant>

namespace authkit::server {

// http or https, a host, a port and an optional path prefix (a deployment served under
// https://example.com/auth has the routes at /auth/v1/auth/...).
struct SmokeTarget {
  std::string scheme;     // "http" or "https"
  std::string host;       // a name, an IPv4 address or an IPv6 address without brackets
  int port = 0;           // the URL's, else 80 or 443
  std::string base_path;  // "" or "/prefix" without a trailing slash

  // scheme://host[:port] (IPv6 in brackets; no port when it is the scheme's): what the HTTP
  // client connects to.
  std::string origin() const;
  // The URL of `path` (which starts with '/') on this deployment, for messages.
  std::string url_of(std::string_view path) const;
};

// `url` parsed, or a message saying what is wrong with it. Only http and https; no user
// information (credentials in a URL end up in shell histories and CI logs), query or fragment.
std::variant<SmokeTarget, std::string> parse_smoke_target(std::string_view url);

}  // namespace authkit::server
