// A blocking hiredis connection; SIGPIPE from a dead server is kept from reaching the process.
#include "ratelimit/redis/redis_connection.hpp"

#include <hiredis/hiredis.h>
#include <pthread.h>
#include <signal.h>
#include <sys/time.h>

#include <array>
#include <cerrno>
#include <ctime>
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

// hiredis 0.14 writes with write(2): on a socket the server has closed that raises SIGPIPE,
// whose default action kills the process. A library must not change the process's signal
// dispositions, so SIGPIPE is blocked in this thread for the duration of a command and a
// SIGPIPE it caused is consumed before unblocking (the technique libpq uses).
class SigpipeGuard {
 public:
  SigpipeGuard() {
    sigemptyset(&sigpipe_);
    sigaddset(&sigpipe_, SIGPIPE);
    sigset_t pending;
    sigemptyset(&pending);
    sigpending(&pending);
    was_pending_ = sigismember(&pending, SIGPIPE) == 1;
    blocked_ = pthread_sigmask(SIG_BLOCK, &sigpipe_, &old_) == 0;
  }
  ~SigpipeGuard() {
    if (!blocked_) return;
    sigset_t pending;
    sigemptyset(&pending);
    if (!was_pending_ && sigpending(&pending) == 0 && sigismember(&pending, SIGPIPE) == 1) {
      const int saved_errno = errno;
      const timespec zero{0, 0};
      while (sigtimedwait(&sigpipe_, nullptr, &zero) < 0 && errno == EINTR) {
      }
      errno = saved_errno;
    }
    pthread_sigmask(SIG_SETMASK, &old_, nullptr);
  }
  SigpipeGuard(const SigpipeGuard&) = delete;
  SigpipeGuard& operator=(const SigpipeGuard&) = delete;

 private:
  sigset_t sigpipe_{};
  sigset_t old_{};
  bool was_pending_ = false;
  bool blocked_ = false;
};

}  // namespace

void RedisReplyDeleter::operator()(redisReply* reply) const noexcept { freeReplyObject(reply); }

RedisConnection::RedisConnection(redisContext* context, std::string where)
    : context_(context), where_(std::move(where)) {}

RedisConnection::~RedisConnection() {
  if (context_ != nullptr) redisFree(context_);
}

bool RedisConnection::broken() const noexcept { return context_ == nullptr || context_->err != 0; }

Result<std::unique_ptr<RedisConnection>> RedisConnection::open(const RedisEndpoint& endpoint,
                                                               Duration connect_timeout,
                                                               Duration command_timeout) {
  const std::string where = endpoint.describe();
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
  void* raw = nullptr;
  int command_errno = 0;
  {
    SigpipeGuard guard;
    raw = redisCommandArgv(context_, static_cast<int>(i), argv.data(), lengths.data());
    command_errno = errno;
  }
  if (raw == nullptr) {
    // SO_RCVTIMEO expiring makes read(2) fail with EAGAIN: that is the command timeout.
    timed_out_ =
        context_->err == REDIS_ERR_IO && (command_errno == EAGAIN || command_errno == EWOULDBLOCK);
    return redis_error(where_, timed_out_ ? std::string("command timed out")
                                          : std::string("I/O error: ") + context_->errstr);
  }
  return RedisReply(static_cast<redisReply*>(raw));
}

}  // namespace v1
}  // namespace authkit
