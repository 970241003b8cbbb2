// RedisEndpoint: where and how to connect, parsed from a REDIS_URL by parse_redis_url.
#pragma once

#include <string>

#include "authkit/config.hpp"

namespace authkit {
inline namespace v1 {

// The parts of a REDIS_URL (authkit::parse_redis_url in config.hpp parses it: the one parser
// the configuration check and the limiter share).
using RedisEndpoint = RedisUrl;

// host:port/db, for logs and errors: never the credentials.
std::string describe(const RedisEndpoint& endpoint);

}  // namespace v1
}  // namespace authkit
