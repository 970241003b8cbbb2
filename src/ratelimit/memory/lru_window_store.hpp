// LruWindowStore: fixed windows for at most `capacity` keys, the least recently hit key evicted.
#pragma once

#include <cstddef>
#include <cstdint>
#include <list>
#include <unordered_map>

#include "ratelimit/memory/window_count.hpp"

namespace authkit {
inline namespace v1 {

// The store of the request buckets (per client address). A hit is O(1): one lookup, a splice to
// the front of the LRU list and, for a new key at capacity, the reuse of the list's tail (the
// least recently hit key, whose window may still run). Nothing ever scans the table.
//
// Evicting a running window forgets its count, which is acceptable for a per-address request
// budget and only for that: the evicted key is the one hit longest ago, so an address that is
// sending now is never the one pushed out, and pushing out an idle one takes `capacity` fresh
// keys, each of which had a full budget of its own anyway (docs/rate-limiting.md). Lock-outs
// must never be forgotten: they live in a LockoutWindowStore.
//
// Not thread-safe: the limiter holds the shard's lock around every call.
class LruWindowStore {
 public:
  explicit LruWindowStore(std::size_t capacity);

  // Counts one hit on `id` at `now_ms`; a key without a running window starts one of
  // `window_ms`. Throws only std::bad_alloc, leaving the store as it was.
  WindowCount hit(std::uint64_t id, std::int64_t now_ms, std::int64_t window_ms);
  // The running window of `id`, or {0, 0}.
  WindowCount peek(std::uint64_t id, std::int64_t now_ms) const;

  std::size_t size() const noexcept { return lru_.size(); }
  std::size_t capacity() const noexcept { return capacity_; }

 private:
  struct Entry {
    std::uint64_t id = 0;
    WindowCount window;
  };
  using Lru = std::list<Entry>;

  std::size_t capacity_;
  Lru lru_;  // front: most recently hit
  // The id is a keyed hash already: the identity hash of std::hash<uint64_t> spreads it well.
  std::unordered_map<std::uint64_t, Lru::iterator> index_;
};

}  // namespace v1
}  // namespace authkit
