// The Redis connection pool: bounded, lazy, and self-healing after errors.
#include "ratelimit/redis/redis_connection_pool.hpp"

#include <utility>

namespace authkit {
inline namespace v1 {

RedisConnectionPool::Lease::~Lease() {
  if (pool_ != nullptr && connection_) pool_->release(std::move(connection_));
}

RedisConnectionPool::RedisConnectionPool(RedisEndpoint endpoint, RedisRateLimiterOptions options)
    : endpoint_(std::move(endpoint)), options_(options) {
  if (options_.pool_size == 0) options_.pool_size = 1;
}

Result<RedisConnectionPool::Lease> RedisConnectionPool::acquire() {
  std::unique_lock lock(mutex_);
  const auto wait = options_.connect_timeout + options_.command_timeout;
  if (!available_.wait_for(lock, wait,
                           [&] { return !idle_.empty() || open_ < options_.pool_size; })) {
    return Error(ErrorCode::kServiceUnavailable,
                 "redis " + describe(endpoint_) + ": no free connection in the pool");
  }
  if (!idle_.empty()) {
    auto connection = std::move(idle_.back());
    idle_.pop_back();
    return Lease(this, std::move(connection), true);
  }
  ++open_;
  lock.unlock();
  // Connect outside the lock: a slow connect must not hold up threads with idle connections.
  auto opened =
      RedisConnection::open(endpoint_, options_.connect_timeout, options_.command_timeout);
  if (!opened) {
    lock.lock();
    --open_;
    lock.unlock();
    available_.notify_one();
    return std::move(opened).error();
  }
  return Lease(this, std::move(*opened), false);
}

void RedisConnectionPool::release(std::unique_ptr<RedisConnection> connection) {
  {
    std::lock_guard lock(mutex_);
    if (connection->broken()) {
      --open_;
    } else {
      idle_.push_back(std::move(connection));
    }
  }
  // Destroying a broken connection (its close(2)) happens outside the lock.
  connection.reset();
  available_.notify_one();
}

void RedisConnectionPool::discard_idle() {
  std::vector<std::unique_ptr<RedisConnection>> dropped;
  {
    std::lock_guard lock(mutex_);
    dropped.swap(idle_);
    open_ -= dropped.size();
  }
  available_.notify_all();
}

}  // namespace v1
}  // namespace authkit
