// RedisEndpoint: where and how to connect, parsed from a REDIS_URL.
#pragma once

#include <string>
#include <string_view>

#include "authkit/result.hpp"

namespace authkit {
inline namespace v1 {

struct RedisEndpoint {
  std::string host;
  int port = 6379;
  std::string username;  // Redis 6 ACL user; empty: AUTH with the password only
  std::string password;  // empty: no AUTH
  int db = 0;

  // host:port/db, for logs and errors: never the credentials.
  std::string describe() const;
};

// Parses `redis://[[username]:password@]host[:port][/db]` (host may be a bracketed IPv6
// address; user and password are percent-decoded). Fails with kInvalidConfiguration and a
// message naming the problem, never quoting the URL (it may hold the password). `rediss://` is
// refused: Debian 12's hiredis is built without TLS.
Result<RedisEndpoint> parse_redis_url(std::string_view url);

}  // namespace v1
}  // namespace authkit
