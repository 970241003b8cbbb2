// The in-memory backend: routes each bucket to its store and shard, decides from the count.
#include "ratelimit/memory/memory_rate_limiter.hpp"

#include <algorithm>
#include <exception>
#include <utility>

#include "ratelimit/memory/window_count.hpp"
#include "ratelimit/rate_limit_key.hpp"

namespace authkit {
inline namespace v1 {
namespace {

std::int64_t now_ms(const Clock& clock) { return clock.now().time_since_epoch().count(); }

// The hit path must not throw (bad_alloc included): the interface promises errors as values.
Error internal_error(const std::exception& e) {
  return Error(ErrorCode::kInternalServerError, std::string("memory rate limiter: ") + e.what());
}

// The salt of the shard choice (see remix()).
constexpr std::uint64_t kShardSalt = 0x5a4d;

}  // namespace

template <class Store>
MemoryRateLimiter::Shards<Store> MemoryRateLimiter::make_shards(std::size_t capacity,
                                                                std::size_t shards) {
  // More shards than keys would leave shards with a capacity of 0.
  const std::size_t count = std::clamp<std::size_t>(shards, 1, capacity);
  Shards<Store> made;
  made.reserve(count);
  for (std::size_t i = 0; i < count; ++i) {
    // The first (capacity % count) shards take one key more: the sum is exactly capacity.
    made.push_back(std::make_unique<Shard<Store>>(capacity / count + (i < capacity % count)));
  }
  return made;
}

template <class Store>
MemoryRateLimiter::Shard<Store>& MemoryRateLimiter::shard_for(const Shards<Store>& shards,
                                                              std::uint64_t id) {
  return *shards[remix(id, kShardSalt) % shards.size()];
}

MemoryRateLimiter::MemoryRateLimiter(MemoryRateLimiterOptions options,
                                     std::shared_ptr<const Clock> clock)
    : clock_(clock ? std::move(clock) : system_clock()),
      lockout_buckets_(std::move(options.lockout_buckets)),
      capacity_(std::max<std::size_t>(options.max_keys, 1)),
      lockout_capacity_(std::max<std::size_t>(options.max_lockout_keys, 1)),
      shards_(make_shards<LruWindowStore>(capacity_, options.shards)),
      lockout_shards_(make_shards<LockoutWindowStore>(lockout_capacity_, options.shards)) {}

MemoryRateLimiter::~MemoryRateLimiter() = default;

bool MemoryRateLimiter::is_lockout_bucket(std::string_view bucket) const noexcept {
  return std::find(lockout_buckets_.begin(), lockout_buckets_.end(), bucket) !=
         lockout_buckets_.end();
}

std::uint64_t MemoryRateLimiter::identify(std::string_view bucket, std::string_view key) const {
  // Reused by the thread to spare an allocation per hit.
  thread_local std::string full_key;
  detail::make_rate_limit_key(full_key, bucket, key);
  return hash_(full_key);
}

Result<RateLimitDecision> MemoryRateLimiter::hit(std::string_view bucket, std::string_view key,
                                                 const RateLimit& limit) {
  AUTHKIT_RETURN_IF_ERROR(detail::validate_rate_limit(limit));
  try {
    const std::uint64_t id = identify(bucket, key);
    const std::int64_t now = now_ms(*clock_);
    const std::int64_t window = limit.window.count();
    WindowCount counted;
    if (is_lockout_bucket(bucket)) {
      auto& shard = shard_for(lockout_shards_, id);
      std::lock_guard lock(shard.mutex);
      counted = shard.store.hit(id, now, window);
    } else {
      auto& shard = shard_for(shards_, id);
      std::lock_guard lock(shard.mutex);
      counted = shard.store.hit(id, now, window);
    }
    return detail::decide(counted.count, limit.max_hits, Duration{counted.expires_at_ms - now},
                          RateLimitMode::kMemory);
  } catch (const std::exception& e) {
    return internal_error(e);
  }
}

Result<RateLimitDecision> MemoryRateLimiter::peek(std::string_view bucket, std::string_view key,
                                                  const RateLimit& limit) {
  AUTHKIT_RETURN_IF_ERROR(detail::validate_rate_limit(limit));
  try {
    const std::uint64_t id = identify(bucket, key);
    const std::int64_t now = now_ms(*clock_);
    WindowCount counted;
    if (is_lockout_bucket(bucket)) {
      const auto& shard = shard_for(lockout_shards_, id);
      std::lock_guard lock(shard.mutex);
      counted = shard.store.peek(id, now);
    } else {
      const auto& shard = shard_for(shards_, id);
      std::lock_guard lock(shard.mutex);
      counted = shard.store.peek(id, now);
    }
    const Duration left{counted.count == 0 ? 0 : counted.expires_at_ms - now};
    return detail::decide_peek(counted.count, limit.max_hits, left, RateLimitMode::kMemory);
  } catch (const std::exception& e) {
    return internal_error(e);
  }
}

std::size_t MemoryRateLimiter::size() const {
  std::size_t total = 0;
  for (const auto& shard : shards_) {
    std::lock_guard lock(shard->mutex);
    total += shard->store.size();
  }
  return total;
}

std::size_t MemoryRateLimiter::lockout_size() const {
  std::size_t total = 0;
  for (const auto& shard : lockout_shards_) {
    std::lock_guard lock(shard->mutex);
    total += shard->store.size();
  }
  return total;
}

std::uint64_t MemoryRateLimiter::lockout_overflow_hits() const {
  std::uint64_t total = 0;
  for (const auto& shard : lockout_shards_) {
    std::lock_guard lock(shard->mutex);
    total += shard->store.overflow_hits();
  }
  return total;
}

}  // namespace v1
}  // namespace authkit
