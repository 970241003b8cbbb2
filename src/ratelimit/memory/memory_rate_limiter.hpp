// MemoryRateLimiter: process-local fixed-window counters, sharded, with a bounded key count.
#pragma once

#include <cstddef>
#include <cstdint>
#include <list>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "authkit/clock.hpp"
#include "authkit/rate_limiter.hpp"
#include "authkit/rate_limiter_options.hpp"

namespace authkit {
inline namespace v1 {

// Keys are spread over shards by hash; each shard has its own lock, hash map and LRU list, and
// holds at most its share of max_keys. A hit is O(1): one lookup, one splice to the front of
// the LRU list and, for a new key at capacity, dropping the list's tail (the shard's least
// recently hit key). Nothing ever scans the table (the original scanned it on every new key at
// capacity: W6). Counters are per process and lost on restart.
//
// Thread-safe.
class MemoryRateLimiter final : public RateLimiter {
 public:
  // Null `clock` means the system clock.
  explicit MemoryRateLimiter(MemoryRateLimiterOptions options = {},
                             std::shared_ptr<const Clock> clock = nullptr);
  ~MemoryRateLimiter() override;

  Result<RateLimitDecision> hit(std::string_view bucket, std::string_view key,
                                const RateLimit& limit) override;
  Result<RateLimitDecision> peek(std::string_view bucket, std::string_view key,
                                 const RateLimit& limit) override;

  // Keys held now (all shards); never more than capacity().
  std::size_t size() const;
  std::size_t capacity() const noexcept { return capacity_; }

 private:
  struct Entry {
    std::string key;
    std::int64_t count = 0;
    std::int64_t expires_at_ms = 0;
  };
  using Lru = std::list<Entry>;

  // alignas: shards are locked by different threads at once; keep their locks on separate lines.
  struct alignas(64) Shard {
    mutable std::mutex mutex;
    Lru lru;  // front: most recently hit
    // Keys are views of the strings in `lru`, whose nodes never move.
    std::unordered_map<std::string_view, Lru::iterator> index;
    std::size_t capacity = 0;
  };

  Shard& shard_for(std::string_view full_key);

  std::shared_ptr<const Clock> clock_;
  std::size_t capacity_ = 0;
  std::vector<std::unique_ptr<Shard>> shards_;
};

}  // namespace v1
}  // namespace authkit
