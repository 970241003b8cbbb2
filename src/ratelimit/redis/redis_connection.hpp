// RedisConnection: one blocking hiredis connection with connect and command timeouts.
#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>

#include "authkit/clock.hpp"
#include "authkit/result.hpp"
#include "ratelimit/redis/redis_url.hpp"

struct redisContext;
struct redisReply;

namespace authkit {
inline namespace v1 {

struct RedisReplyDeleter {
  void operator()(redisReply* reply) const noexcept;
};
using RedisReply = std::unique_ptr<redisReply, RedisReplyDeleter>;

// Not thread-safe: a connection is used by one thread at a time (the pool hands it out).
class RedisConnection {
 public:
  // Connects, authenticates and selects the database. Errors name the endpoint, never the
  // password.
  static Result<std::unique_ptr<RedisConnection>> open(const RedisEndpoint& endpoint,
                                                       Duration connect_timeout,
                                                       Duration command_timeout);
  ~RedisConnection();
  RedisConnection(const RedisConnection&) = delete;
  RedisConnection& operator=(const RedisConnection&) = delete;

  // Sends one command and reads its reply. An error reply (`-NOSCRIPT ...`) is a reply, not an
  // error; an I/O failure or timeout is an error and leaves the connection broken().
  Result<RedisReply> command(std::initializer_list<std::string_view> args);

  // After an I/O error or timeout hiredis cannot resynchronise: the connection must be dropped.
  bool broken() const noexcept;
  // Whether the last command failed by running out of time (rather than on a dead socket).
  bool timed_out() const noexcept { return timed_out_; }

 private:
  RedisConnection(redisContext* context, std::string where);

  redisContext* context_;
  std::string where_;  // host:port/db for error messages
  bool timed_out_ = false;
  bool failed_ = false;  // an I/O error of ours (send), which hiredis does not know of
};

}  // namespace v1
}  // namespace authkit
