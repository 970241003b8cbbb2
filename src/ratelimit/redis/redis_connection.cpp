// A blocking hiredis connection that never raises SIGPIPE when the server has gone away.
#include "ratelimit/redis/redis_connection.hpp"

// sds.h has no extern "C" guard of its own, and hiredis.h includes it outside its guard: it
// must come first, wrapped here, for sdsclear to link.
extern "C" {
#include <hiredis/sds.h>
}
#include <hiredis/hiredis.h>
#include <sys/socket.h>
#include <sys/time.h>

#include <array>
#include <cerrno>
#include <cstring>
#include <system_error>
#include <vector>

namespace authkit {
inline namespace v1 {
namespace {

timeval to_timeval(Duration d) {
  timeval tv{};
  tv.tv_sec = static_cast<time_t>(d.count() / 1000);
  tv.tv_usec = static_cast<suseconds_t>((d.count() % 1000) * 1000);
  return tv;
}

Error redis_error(const std::string& where, std::string_view what) {
  return Error(ErrorCode::kServiceUnavailable, "redis " + where + ": " + std::string(what));
}

}  // namespace

void RedisReplyDeleter::operator()(redisReply* reply) const noexcept { freeReplyObject(reply); }

RedisConnection::RedisConnection(redisContext* context, std::string where)
    : context_(context), where_(std::move(where)) {}

RedisConnection::~RedisConnection() {
  if (context_ != nullptr) redisFree(context_);
}

bool RedisConnection::broken() const noexcept {
  return failed_ || context_ == nullptr || context_->err != 0;
}

Result<std::unique_ptr<RedisConnection>> RedisConnection::open(const RedisEndpoint& endpoint,
                                                               Duration connect_timeout,
                                                               Duration command_timeout) {
  const std::string where = describe(endpoint);
  redisContext* context =
      redisConnectWithTimeout(endpoint.host.c_str(), endpoint.port, to_timeval(connect_timeout));
  if (context == nullptr) return redis_error(where, "cannot allocate a connection");
  std::unique_ptr<RedisConnection> connection(new RedisConnection(context, where));
  if (context->err != 0) return redis_error(where, std::string("connect: ") + context->errstr);
  if (redisSetTimeout(context, to_timeval(command_timeout)) != REDIS_OK) {
    return redis_error(where, "cannot set the command timeout");
  }

  if (!endpoint.password.empty()) {
    auto reply = endpoint.username.empty()
                     ? connection->command({"AUTH", endpoint.password})
                     : connection->command({"AUTH", endpoint.username, endpoint.password});
    if (!reply) return std::move(reply).error();
    // The server's words ("WRONGPASS invalid username-password pair") never echo the password.
    if ((*reply)->type == REDIS_REPLY_ERROR) {
      return redis_error(where, std::string("AUTH failed: ") + (*reply)->str);
    }
  }
  if (endpoint.db != 0) {
    auto reply = connection->command({"SELECT", std::to_string(endpoint.db)});
    if (!reply) return std::move(reply).error();
    if ((*reply)->type == REDIS_REPLY_ERROR) {
      return redis_error(where, std::string("SELECT failed: ") + (*reply)->str);
    }
  }
  return connection;
}

Result<RedisReply> RedisConnection::command(std::initializer_list<std::string_view> args) {
  if (broken()) return redis_error(where_, "connection is broken");
  constexpr std::size_t kMaxArgs = 8;
  std::array<const char*, kMaxArgs> argv{};
  std::array<std::size_t, kMaxArgs> lengths{};
  if (args.size() > kMaxArgs) return redis_error(where_, "too many command arguments");
  std::size_t i = 0;
  for (std::string_view arg : args) {
    argv[i] = arg.data();
    lengths[i] = arg.size();
    ++i;
  }
  if (redisAppendCommandArgv(context_, static_cast<int>(i), argv.data(), lengths.data()) !=
      REDIS_OK) {
    failed_ = true;
    return redis_error(where_, "cannot format the command");
  }
  // hiredis 0.14 sends with write(2), which raises SIGPIPE on a socket the server has closed;
  // the default action of SIGPIPE kills the process, and a library must not change signal
  // dispositions. So the formatted command is sent here with MSG_NOSIGNAL, and hiredis, finding
  // its output buffer empty, only reads the reply.
  const char* data = context_->obuf;
  std::size_t left = sdslen(context_->obuf);
  while (left > 0) {
    const ssize_t sent = ::send(context_->fd, data, left, MSG_NOSIGNAL);
    if (sent < 0) {
      if (errno == EINTR) continue;
      const int send_errno = errno;
      failed_ = true;
      sdsclear(context_->obuf);
      // SO_SNDTIMEO (the command timeout) expiring makes send(2) fail with EAGAIN.
      timed_out_ = send_errno == EAGAIN || send_errno == EWOULDBLOCK;
      return redis_error(where_, timed_out_
                                     ? std::string("command timed out")
                                     : "send: " + std::generic_category().message(send_errno));
    }
    data += sent;
    left -= static_cast<std::size_t>(sent);
  }
  sdsclear(context_->obuf);

  void* raw = nullptr;
  if (redisGetReply(context_, &raw) != REDIS_OK || raw == nullptr) {
    const int read_errno = errno;
    failed_ = true;
    // SO_RCVTIMEO expiring makes read(2) fail with EAGAIN: that is the command timeout.
    timed_out_ =
        context_->err == REDIS_ERR_IO && (read_errno == EAGAIN || read_errno == EWOULDBLOCK);
    return redis_error(where_, timed_out_ ? std::string("command timed out")
                                          : std::string("I/O error: ") + context_->errstr);
  }
  return RedisReply(static_cast<redisReply*>(raw));
}

}  // namespace v1
}  // namespace authkit
