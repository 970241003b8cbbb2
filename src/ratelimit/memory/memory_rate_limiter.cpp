// The in-memory backend: sharded fixed windows with O(1) LRU eviction.
#include "ratelimit/memory/memory_rate_limiter.hpp"

#include <algorithm>
#include <exception>
#include <functional>
#include <iterator>
#include <utility>

#include "ratelimit/rate_limit_key.hpp"

namespace authkit {
inline namespace v1 {
namespace {

std::int64_t now_ms(const Clock& clock) { return clock.now().time_since_epoch().count(); }

// The hit path must not throw (bad_alloc included): the interface promises errors as values.
Error internal_error(const std::exception& e) {
  return Error(ErrorCode::kInternalServerError, std::string("memory rate limiter: ") + e.what());
}

}  // namespace

MemoryRateLimiter::MemoryRateLimiter(MemoryRateLimiterOptions options,
                                     std::shared_ptr<const Clock> clock)
    : clock_(clock ? std::move(clock) : system_clock()),
      capacity_(std::max<std::size_t>(options.max_keys, 1)) {
  // More shards than keys would leave shards with a capacity of 0.
  const std::size_t shard_count = std::clamp<std::size_t>(options.shards, 1, capacity_);
  shards_.reserve(shard_count);
  for (std::size_t i = 0; i < shard_count; ++i) {
    auto shard = std::make_unique<Shard>();
    // The first (capacity % shards) shards take one key more: the sum is exactly capacity_.
    shard->capacity = capacity_ / shard_count + (i < capacity_ % shard_count ? 1 : 0);
    shard->index.reserve(std::min<std::size_t>(shard->capacity, 4096));
    shards_.push_back(std::move(shard));
  }
}

MemoryRateLimiter::~MemoryRateLimiter() = default;

MemoryRateLimiter::Shard& MemoryRateLimiter::shard_for(std::string_view full_key) {
  // The high bits pick the shard: the map inside the shard uses the low ones.
  const std::size_t h = std::hash<std::string_view>{}(full_key);
  return *shards_[((h >> 32) ^ h) % shards_.size()];
}

Result<RateLimitDecision> MemoryRateLimiter::hit(std::string_view bucket, std::string_view key,
                                                 const RateLimit& limit) {
  AUTHKIT_RETURN_IF_ERROR(detail::validate_rate_limit(limit));
  try {
    thread_local std::string full_key;
    detail::make_rate_limit_key(full_key, bucket, key);
    Shard& shard = shard_for(full_key);
    const std::int64_t now = now_ms(*clock_);
    const std::int64_t window = limit.window.count();

    std::lock_guard lock(shard.mutex);
    auto found = shard.index.find(full_key);
    if (found == shard.index.end()) {
      if (shard.lru.size() >= shard.capacity) {
        // At capacity: the least recently hit key goes (its window has most likely ended); its
        // list node is reused for the new key rather than freed and allocated again.
        shard.index.erase(shard.lru.back().key);
        shard.lru.splice(shard.lru.begin(), shard.lru, std::prev(shard.lru.end()));
        Entry& reused = shard.lru.front();
        reused.key.assign(full_key);
        reused.count = 0;
        reused.expires_at_ms = now + window;
      } else {
        shard.lru.push_front(Entry{full_key, 0, now + window});
      }
      try {
        shard.index.emplace(shard.lru.front().key, shard.lru.begin());
      } catch (...) {
        shard.lru.pop_front();
        throw;
      }
    } else if (found->second != shard.lru.begin()) {
      shard.lru.splice(shard.lru.begin(), shard.lru, found->second);
    }
    Entry& entry = shard.lru.front();
    // Strictly after the end, as the original: a hit exactly at expires_at still counts in the
    // old window.
    if (now > entry.expires_at_ms) {
      entry.count = 0;
      entry.expires_at_ms = now + window;
    }
    ++entry.count;
    return detail::decide(entry.count, limit.max_hits, Duration{entry.expires_at_ms - now},
                          RateLimitMode::kMemory);
  } catch (const std::exception& e) {
    return internal_error(e);
  }
}

Result<RateLimitDecision> MemoryRateLimiter::peek(std::string_view bucket, std::string_view key,
                                                  const RateLimit& limit) {
  AUTHKIT_RETURN_IF_ERROR(detail::validate_rate_limit(limit));
  try {
    thread_local std::string full_key;
    detail::make_rate_limit_key(full_key, bucket, key);
    Shard& shard = shard_for(full_key);
    const std::int64_t now = now_ms(*clock_);

    std::lock_guard lock(shard.mutex);
    auto found = shard.index.find(full_key);
    if (found == shard.index.end() || now > found->second->expires_at_ms) {
      return detail::decide_peek(0, limit.max_hits, Duration{0}, RateLimitMode::kMemory);
    }
    const Entry& entry = *found->second;
    return detail::decide_peek(entry.count, limit.max_hits, Duration{entry.expires_at_ms - now},
                               RateLimitMode::kMemory);
  } catch (const std::exception& e) {
    return internal_error(e);
  }
}

std::size_t MemoryRateLimiter::size() const {
  std::size_t total = 0;
  for (const auto& shard : shards_) {
    std::lock_guard lock(shard->mutex);
    total += shard->lru.size();
  }
  return total;
}

}  // namespace v1
}  // namespace authkit
