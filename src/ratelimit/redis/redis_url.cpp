// describe(RedisEndpoint): where a Redis is, for logs and errors, without its credentials.
#include "ratelimit/redis/redis_url.hpp"

namespace authkit {
inline namespace v1 {

std::string describe(const RedisEndpoint& endpoint) {
  // Built by appending: GCC 12 reports a false -Wrestrict for `"[" + host` at -O3.
  const bool ipv6 = endpoint.host.find(':') != std::string::npos;
  std::string out;
  if (ipv6) out.push_back('[');
  out.append(endpoint.host);
  if (ipv6) out.push_back(']');
  out.append(":").append(std::to_string(endpoint.port)).append("/");
  out.append(std::to_string(endpoint.db));
  return out;
}

}  // namespace v1
}  // namespace authkit
