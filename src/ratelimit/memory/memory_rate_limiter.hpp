// MemoryRateLimiter: process-local fixed-window counters, sharded, with a bounded key count.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "authkit/clock.hpp"
#include "authkit/rate_limiter.hpp"
#include "authkit/rate_limiter_options.hpp"
#include "ratelimit/memory/keyed_hash.hpp"
#include "ratelimit/memory/lockout_window_store.hpp"
#include "ratelimit/memory/lru_window_store.hpp"

namespace authkit {
inline namespace v1 {

// Two stores, each split into shards with their own lock:
// - the lock-out buckets (MemoryRateLimiterOptions::lockout_buckets, the per-account login
//   bucket by default) live in LockoutWindowStores: a running window is never evicted, whatever
//   the traffic on other keys; past max_lockout_keys keys are counted in a fixed-size sketch
//   that can over-count but never forgets;
// - every other bucket lives in LruWindowStores of max_keys keys in all, evicting the least
//   recently hit key of a full shard. Nothing ever scans a table (the original scanned it on
//   every new key at capacity).
// A key's shard, and its identity inside the shard, come from a KeyedHash of `rl:<bucket>:<key>`
// under a random key of this instance: no client can aim keys at one shard. Counters are per
// process and lost on restart. docs/rate-limiting.md explains the choices.
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

  // Keys of the evicting buckets held now (all shards); never more than capacity().
  std::size_t size() const;
  std::size_t capacity() const noexcept { return capacity_; }
  // Keys of the lock-out buckets counted exactly now; never more than lockout_capacity().
  std::size_t lockout_size() const;
  std::size_t lockout_capacity() const noexcept { return lockout_capacity_; }
  // Lock-out hits counted by the overflow sketch because the exact store was full.
  std::uint64_t lockout_overflow_hits() const;

 private:
  // alignas: shards are locked by different threads at once; keep their locks on separate lines.
  template <class Store>
  struct alignas(64) Shard {
    explicit Shard(std::size_t capacity) : store(capacity) {}
    mutable std::mutex mutex;
    Store store;
  };
  template <class Store>
  using Shards = std::vector<std::unique_ptr<Shard<Store>>>;

  template <class Store>
  static Shards<Store> make_shards(std::size_t capacity, std::size_t shards);
  template <class Store>
  static Shard<Store>& shard_for(const Shards<Store>& shards, std::uint64_t id);

  bool is_lockout_bucket(std::string_view bucket) const noexcept;
  std::uint64_t identify(std::string_view bucket, std::string_view key) const;

  std::shared_ptr<const Clock> clock_;
  KeyedHash hash_;
  std::vector<std::string> lockout_buckets_;
  std::size_t capacity_ = 0;
  std::size_t lockout_capacity_ = 0;
  Shards<LruWindowStore> shards_;
  Shards<LockoutWindowStore> lockout_shards_;
};

}  // namespace v1
}  // namespace authkit
