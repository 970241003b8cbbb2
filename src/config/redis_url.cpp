// parse_redis_url: the REDIS_URL syntax hiredis can connect to, checked before first use.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "authkit/config.hpp"

namespace authkit {
inline namespace v1 {
namespace {

constexpr std::string_view kScheme = "redis://";
constexpr std::string_view kTlsScheme = "rediss://";

// The messages never quote the URL: it may carry the Redis password.
Error redis_error(std::string message) {
  Error error(ErrorCode::kInvalidConfiguration);
  error.message = std::move(message);
  return error;
}

Error malformed() {
  return redis_error("must look like redis://[[username]:password@]host[:port][/db]");
}

int hex_value(char c) noexcept {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// RFC 3986 percent-decoding of user information; nullopt for a broken escape.
std::optional<std::string> percent_decode(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '%') {
      out += text[i];
      continue;
    }
    if (i + 2 >= text.size()) return std::nullopt;
    const int high = hex_value(text[i + 1]);
    const int low = hex_value(text[i + 2]);
    if (high < 0 || low < 0) return std::nullopt;
    out += static_cast<char>(high * 16 + low);
    i += 2;
  }
  return out;
}

bool is_host_char(char c) noexcept {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
         c == '-' || c == '_';
}

bool is_ipv6_char(char c) noexcept {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F') || c == ':' ||
         c == '.';
}

// Non-negative decimal integer up to `max`; nullopt for anything else (also for no digits).
std::optional<std::uint64_t> decimal(std::string_view text, std::uint64_t max) {
  if (text.empty()) return std::nullopt;
  std::uint64_t value = 0;
  for (const char c : text) {
    if (c < '0' || c > '9') return std::nullopt;
    value = value * 10 + static_cast<std::uint64_t>(c - '0');
    if (value > max) return std::nullopt;
  }
  return value;
}

}  // namespace

Result<RedisUrl> parse_redis_url(std::string_view url) {
  if (url.starts_with(kTlsScheme)) {
    return redis_error(
        "rediss:// (TLS) is not supported: Debian 12's hiredis is built without TLS support; "
        "use redis://");
  }
  if (!url.starts_with(kScheme)) {
    return redis_error("must start with redis:// (redis://[[username]:password@]host[:port][/db])");
  }
  std::string_view rest = url.substr(kScheme.size());
  if (rest.find_first_of("?#") != std::string_view::npos) {
    return redis_error("a query or fragment is not supported: give the database as /db");
  }

  const std::size_t slash = rest.find('/');
  const std::string_view authority = rest.substr(0, slash);
  const std::optional<std::string_view> path =
      slash == std::string_view::npos ? std::nullopt
                                      : std::optional<std::string_view>(rest.substr(slash + 1));
  RedisUrl out;

  std::string_view host_port = authority;
  if (const std::size_t at = authority.rfind('@'); at != std::string_view::npos) {
    const std::string_view userinfo = authority.substr(0, at);
    host_port = authority.substr(at + 1);
    const std::size_t colon = userinfo.find(':');
    if (colon == std::string_view::npos) return malformed();
    auto username = percent_decode(userinfo.substr(0, colon));
    auto password = percent_decode(userinfo.substr(colon + 1));
    if (!username || !password) {
      return redis_error("the user information has a broken percent-encoding (%XX)");
    }
    out.username = std::move(*username);
    out.password = std::move(*password);
  }

  std::string_view port_text;
  bool has_port = false;
  if (host_port.starts_with('[')) {
    const std::size_t close = host_port.find(']');
    if (close == std::string_view::npos || close == 1) {
      return redis_error("an IPv6 host must be written in brackets, as [::1]");
    }
    const std::string_view v6 = host_port.substr(1, close - 1);
    for (const char c : v6) {
      if (!is_ipv6_char(c)) return redis_error("the bracketed IPv6 host is not an IPv6 address");
    }
    out.host = std::string(v6);
    const std::string_view after = host_port.substr(close + 1);
    if (!after.empty()) {
      if (after[0] != ':') return malformed();
      has_port = true;
      port_text = after.substr(1);
    }
  } else {
    const std::size_t colon = host_port.find(':');
    const std::string_view host = host_port.substr(0, colon);
    if (host.empty()) return redis_error("the host is missing");
    for (const char c : host) {
      if (!is_host_char(c)) return redis_error("the host has a character a host name cannot have");
    }
    out.host = std::string(host);
    if (colon != std::string_view::npos) {
      has_port = true;
      port_text = host_port.substr(colon + 1);
    }
  }
  if (has_port) {
    const auto port = decimal(port_text, 65535);
    if (!port || *port == 0) return redis_error("port must be an integer from 1 to 65535");
    out.port = static_cast<std::uint16_t>(*port);
  }

  if (path && !path->empty()) {
    const auto db = decimal(*path, 2147483647);
    if (!db) return redis_error("database must be a non-negative integer, as in redis://host/0");
    out.db = static_cast<int>(*db);
  }
  return out;
}

}  // namespace v1
}  // namespace authkit
