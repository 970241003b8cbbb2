// Test helpers for the Redis cases: the shared server's URL, raw commands, and private servers.
#pragma once

#include <sys/types.h>

#include <memory>
#include <string>
#include <vector>

#include "authkit/rate_limiter_options.hpp"
#include "ratelimit/redis/redis_connection.hpp"
#include "ratelimit/redis/redis_url.hpp"

namespace authkit::test {

// AUTHKIT_TEST_REDIS_URL, or a failed REQUIRE saying how to get one: a Redis case never passes
// silently without a server.
std::string shared_redis_url();

// Connect and command timeouts of 5 s: long enough for a loaded test machine, so that only the
// cases about timeouts see one.
RedisRateLimiterOptions generous_redis_options();

// A plain connection for checking what the limiter wrote (PTTL, GET, SCAN), with a generous
// timeout. REQUIREs a successful connect.
class RawRedis {
 public:
  explicit RawRedis(const std::string& url);
  // The reply; REQUIREs that the command itself did not fail on I/O.
  RedisReply command(std::initializer_list<std::string_view> args);
  long long integer(std::initializer_list<std::string_view> args);
  // Every key matching `pattern` (SCAN, so a busy server is not blocked).
  std::vector<std::string> keys(const std::string& pattern);
  // Waits (bounded, polling) until `key` no longer exists: Redis expires keys on access.
  void wait_until_gone(const std::string& key);

 private:
  std::unique_ptr<RedisConnection> connection_;
};

// A redis-server of the test's own on a free loopback port (no persistence), so that stopping
// it never disturbs other tests. Stopped by the destructor.
class RedisProcess {
 public:
  explicit RedisProcess(std::vector<std::string> extra_args = {});
  ~RedisProcess();
  RedisProcess(const RedisProcess&) = delete;
  RedisProcess& operator=(const RedisProcess&) = delete;

  // Starts the server (again, on the same port) and waits until it answers PING.
  void start();
  // Kills the server and reaps it: connections drop, the port refuses.
  void stop();
  int port() const { return port_; }
  // redis://127.0.0.1:<port>/0, with `userinfo@` inserted when given.
  std::string url(const std::string& userinfo = "") const;

 private:
  std::vector<std::string> extra_args_;
  int port_;
  pid_t pid_ = -1;
};

// A TCP port on 127.0.0.1 that nothing listens on now.
int free_port();

// A socket that listens but never answers: connects succeed, commands time out.
class BlackHole {
 public:
  BlackHole();
  ~BlackHole();
  BlackHole(const BlackHole&) = delete;
  BlackHole& operator=(const BlackHole&) = delete;
  int port() const { return port_; }

 private:
  int fd_ = -1;
  int port_ = 0;
};

}  // namespace authkit::test
