// Raw Redis access and private redis-server processes for the Redis test cases.
#include "redis_test_support.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <hiredis/hiredis.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <cstdlib>
#include <thread>

namespace authkit::test {
namespace {

// Polling waits for a condition, never assert on time: this only bounds a hang.
constexpr auto kWaitLimit = std::chrono::seconds(20);

}  // namespace

RedisRateLimiterOptions generous_redis_options() {
  RedisRateLimiterOptions options;
  options.connect_timeout = std::chrono::seconds(5);
  options.command_timeout = std::chrono::seconds(5);
  return options;
}

std::string shared_redis_url() {
  const char* url = std::getenv("AUTHKIT_TEST_REDIS_URL");
  INFO(
      "AUTHKIT_TEST_REDIS_URL is not set: run the Redis cases through scripts/with-services.sh "
      "(e.g. scripts/with-services.sh ctest --preset dev -L ratelimit)");
  REQUIRE(url != nullptr);
  REQUIRE(std::string(url) != "");
  return url;
}

RawRedis::RawRedis(const std::string& url) {
  auto endpoint = parse_redis_url(url);
  REQUIRE(endpoint);
  auto connection =
      RedisConnection::open(*endpoint, std::chrono::seconds(5), std::chrono::seconds(5));
  INFO((connection ? std::string() : connection.error().diagnostic));
  REQUIRE(connection);
  connection_ = std::move(*connection);
}

RedisReply RawRedis::command(std::initializer_list<std::string_view> args) {
  auto reply = connection_->command(args);
  INFO((reply ? std::string() : reply.error().diagnostic));
  REQUIRE(reply);
  return std::move(*reply);
}

long long RawRedis::integer(std::initializer_list<std::string_view> args) {
  auto reply = command(args);
  INFO((reply->type == REDIS_REPLY_ERROR ? std::string(reply->str) : std::string()));
  REQUIRE(reply->type == REDIS_REPLY_INTEGER);
  return reply->integer;
}

std::vector<std::string> RawRedis::keys(const std::string& pattern) {
  std::vector<std::string> out;
  std::string cursor = "0";
  do {
    auto reply = command({"SCAN", cursor, "MATCH", pattern, "COUNT", "1000"});
    REQUIRE(reply->type == REDIS_REPLY_ARRAY);
    REQUIRE(reply->elements == 2);
    cursor.assign(reply->element[0]->str, reply->element[0]->len);
    const redisReply* batch = reply->element[1];
    for (std::size_t i = 0; i < batch->elements; ++i) {
      out.emplace_back(batch->element[i]->str, batch->element[i]->len);
    }
  } while (cursor != "0");
  return out;
}

void RawRedis::wait_until_gone(const std::string& key) {
  const auto deadline = std::chrono::steady_clock::now() + kWaitLimit;
  while (integer({"EXISTS", key}) != 0) {
    REQUIRE(std::chrono::steady_clock::now() < deadline);
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
}

int free_port() {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  REQUIRE(fd >= 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  address.sin_port = 0;
  REQUIRE(::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0);
  socklen_t length = sizeof address;
  REQUIRE(::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) == 0);
  ::close(fd);
  return ntohs(address.sin_port);
}

RedisProcess::RedisProcess(std::vector<std::string> extra_args)
    : extra_args_(std::move(extra_args)), port_(free_port()) {}

RedisProcess::~RedisProcess() {
  if (pid_ > 0) {
    ::kill(pid_, SIGKILL);
    ::waitpid(pid_, nullptr, 0);
  }
}

std::string RedisProcess::url(const std::string& userinfo) const {
  return "redis://" + (userinfo.empty() ? std::string() : userinfo + "@") +
         "127.0.0.1:" + std::to_string(port_) + "/0";
}

void RedisProcess::start() {
  REQUIRE(pid_ < 0);
  const char* server = std::getenv("REDIS_SERVER");
  const std::string binary = server != nullptr ? server : "/usr/bin/redis-server";
  INFO("redis-server not found at " << binary << " (set REDIS_SERVER or install redis-server)");
  REQUIRE(::access(binary.c_str(), X_OK) == 0);

  std::vector<std::string> args = {binary,   "--port", std::to_string(port_), "--bind", "127.0.0.1",
                                   "--save", "",       "--appendonly",        "no",     "--dir",
                                   "/tmp"};
  args.insert(args.end(), extra_args_.begin(), extra_args_.end());
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);

  const pid_t pid = ::fork();
  REQUIRE(pid >= 0);
  if (pid == 0) {
    // The child: keep the server's log out of the test output.
    const int null_fd = ::open("/dev/null", O_WRONLY);
    if (null_fd >= 0) {
      ::dup2(null_fd, STDOUT_FILENO);
      ::dup2(null_fd, STDERR_FILENO);
    }
    ::execv(argv[0], argv.data());
    ::_exit(127);
  }
  pid_ = pid;

  RedisEndpoint endpoint;
  endpoint.host = "127.0.0.1";
  endpoint.port = static_cast<std::uint16_t>(port_);
  const auto deadline = std::chrono::steady_clock::now() + kWaitLimit;
  for (;;) {
    int status = 0;
    INFO("redis-server exited at start on port " << port_);
    REQUIRE(::waitpid(pid_, &status, WNOHANG) == 0);
    auto connection =
        RedisConnection::open(endpoint, std::chrono::seconds(1), std::chrono::seconds(1));
    if (connection) {
      auto reply = (*connection)->command({"PING"});
      // With requirepass the server answers NOAUTH: it is up all the same.
      if (reply) return;
    }
    REQUIRE(std::chrono::steady_clock::now() < deadline);
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
}

void RedisProcess::stop() {
  if (pid_ <= 0) return;
  ::kill(pid_, SIGKILL);
  ::waitpid(pid_, nullptr, 0);
  pid_ = -1;
}

BlackHole::BlackHole() {
  fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
  REQUIRE(fd_ >= 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  REQUIRE(::bind(fd_, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0);
  REQUIRE(::listen(fd_, 64) == 0);
  socklen_t length = sizeof address;
  REQUIRE(::getsockname(fd_, reinterpret_cast<sockaddr*>(&address), &length) == 0);
  port_ = ntohs(address.sin_port);
}

BlackHole::~BlackHole() {
  if (fd_ >= 0) ::close(fd_);
}

}  // namespace authkit::test
