// REDIS_URL parsing, with messages that never echo the credentials.
#include "ratelimit/redis/redis_url.hpp"

#include <charconv>
#include <optional>

namespace authkit {
inline namespace v1 {
namespace {

Error url_error(std::string_view what) {
  Error e(ErrorCode::kInvalidConfiguration, "REDIS_URL: " + std::string(what));
  e.message = e.diagnostic;
  return e;
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::optional<std::string> percent_decode(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '%') {
      out.push_back(text[i]);
      continue;
    }
    if (i + 2 >= text.size()) return std::nullopt;
    const int hi = hex_value(text[i + 1]);
    const int lo = hex_value(text[i + 2]);
    if (hi < 0 || lo < 0) return std::nullopt;
    out.push_back(static_cast<char>(hi * 16 + lo));
    i += 2;
  }
  return out;
}

std::optional<int> parse_int(std::string_view text, int min, int max) {
  int value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || ec != std::errc() || end != text.data() + text.size()) return std::nullopt;
  if (value < min || value > max) return std::nullopt;
  return value;
}

}  // namespace

std::string RedisEndpoint::describe() const {
  // Built by appending: GCC 12 reports a false -Wrestrict for `"[" + host` at -O3.
  const bool ipv6 = host.find(':') != std::string::npos;
  std::string out;
  if (ipv6) out.push_back('[');
  out.append(host);
  if (ipv6) out.push_back(']');
  out.append(":").append(std::to_string(port)).append("/").append(std::to_string(db));
  return out;
}

Result<RedisEndpoint> parse_redis_url(std::string_view url) {
  constexpr std::string_view kScheme = "redis://";
  constexpr std::string_view kTlsScheme = "rediss://";
  if (url.substr(0, kTlsScheme.size()) == kTlsScheme) {
    return url_error(
        "rediss:// (TLS) is not supported: this build's hiredis (Debian 12) has no TLS; use "
        "redis:// on a trusted network, or a local TLS tunnel such as stunnel");
  }
  if (url.substr(0, kScheme.size()) != kScheme) {
    return url_error("must start with redis:// (redis://[[user]:password@]host[:port][/db])");
  }
  std::string_view rest = url.substr(kScheme.size());
  for (char c : rest) {
    if (c == '?' || c == '#') return url_error("query strings and fragments are not supported");
  }

  // As WHATWG URL parsing (ioredis) does: the authority ends at the first '/', and the last
  // '@' in it ends the userinfo (so an unencoded '@' in a password still works).
  std::string_view authority = rest;
  std::string_view path;
  const std::size_t slash = rest.find('/');
  if (slash != std::string_view::npos) {
    authority = rest.substr(0, slash);
    path = rest.substr(slash + 1);
  }

  RedisEndpoint endpoint;
  std::string_view hostport = authority;
  const std::size_t userinfo_end = authority.rfind('@');
  if (userinfo_end != std::string_view::npos) {
    const std::string_view userinfo = authority.substr(0, userinfo_end);
    hostport = authority.substr(userinfo_end + 1);
    const std::size_t colon = userinfo.find(':');
    const std::string_view user =
        colon == std::string_view::npos ? std::string_view{} : userinfo.substr(0, colon);
    // `redis://secret@host`: what ioredis and redis-cli take as a password-only userinfo.
    const std::string_view pass =
        colon == std::string_view::npos ? userinfo : userinfo.substr(colon + 1);
    auto decoded_user = percent_decode(user);
    auto decoded_pass = percent_decode(pass);
    if (!decoded_user || !decoded_pass) {
      return url_error("bad percent-encoding in the user or password");
    }
    endpoint.username = std::move(*decoded_user);
    endpoint.password = std::move(*decoded_pass);
  }

  std::string_view port_text;
  if (!hostport.empty() && hostport.front() == '[') {
    const std::size_t close = hostport.find(']');
    if (close == std::string_view::npos) return url_error("unterminated [IPv6] host");
    endpoint.host = std::string(hostport.substr(1, close - 1));
    const std::string_view after = hostport.substr(close + 1);
    if (!after.empty()) {
      if (after.front() != ':') return url_error("unexpected text after the [IPv6] host");
      port_text = after.substr(1);
      if (port_text.empty()) return url_error("empty port");
    }
  } else {
    const std::size_t colon = hostport.rfind(':');
    if (colon != std::string_view::npos) {
      port_text = hostport.substr(colon + 1);
      hostport = hostport.substr(0, colon);
      if (port_text.empty()) return url_error("empty port");
    }
    endpoint.host = std::string(hostport);
  }
  if (endpoint.host.empty()) return url_error("missing host");
  if (!port_text.empty()) {
    auto port = parse_int(port_text, 1, 65535);
    if (!port) return url_error("port must be a number from 1 to 65535");
    endpoint.port = *port;
  }
  if (!path.empty()) {
    auto db = parse_int(path, 0, 1 << 20);
    if (!db) return url_error("the path must be a database index (a non-negative integer)");
    endpoint.db = *db;
  }
  return endpoint;
}

}  // namespace v1
}  // namespace authkit
