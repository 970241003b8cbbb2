// LockoutWindowStore: fixed windows that are never evicted while they run (login lock-outs).
#pragma once

#include <cstddef>
#include <cstdint>
#include <unordered_map>
#include <utility>
#include <vector>

#include "ratelimit/memory/overflow_sketch.hpp"
#include "ratelimit/memory/window_count.hpp"

namespace authkit {
inline namespace v1 {

// The store of the lock-out buckets (failed logins per account). Nothing any key does can remove
// another key's running window: an entry leaves only after its window has ended (reclaimed on
// the next hit, earliest end first, through a min-heap of end times), so a lock-out lasts its
// whole window whatever the traffic on other keys.
//
// At most `capacity` keys are counted exactly. When that many windows run, a key that has none
// is counted in an OverflowSketch instead: never forgotten within its window, possibly
// over-counted (docs/rate-limiting.md, "When the account store is full"). A key that becomes
// exact later starts from the sketch's estimate, so moving between the two loses no hits.
//
// Memory: at most `capacity` map entries and heap records (about 100 bytes per key), plus the
// sketch's 2 x 2 x capacity cells of 16 bytes (64 bytes per key of capacity, backed by memory
// only as overflow hits touch them). Not thread-safe: the limiter holds the shard's lock.
class LockoutWindowStore {
 public:
  explicit LockoutWindowStore(std::size_t capacity);

  // Counts one hit on `id` at `now_ms`; a key without a running window starts one of
  // `window_ms`. Never fails: when the exact store cannot take the key (full, or out of memory)
  // the sketch counts it.
  WindowCount hit(std::uint64_t id, std::int64_t now_ms, std::int64_t window_ms) noexcept;
  // The running window of `id` (exact, or the sketch's estimate), or {0, 0}.
  WindowCount peek(std::uint64_t id, std::int64_t now_ms) const noexcept;

  // Keys counted exactly now (windows that ended may still be held until the next hit).
  std::size_t size() const noexcept { return windows_.size(); }
  std::size_t capacity() const noexcept { return capacity_; }
  // Hits counted by the sketch because the exact store was full.
  std::uint64_t overflow_hits() const noexcept { return overflow_hits_; }

 private:
  // (end of window, id): std::greater makes the heap's front the earliest end.
  using End = std::pair<std::int64_t, std::uint64_t>;

  void reclaim_ended(std::int64_t now_ms) noexcept;

  std::size_t capacity_;
  // The id is a keyed hash already: the identity hash of std::hash<uint64_t> spreads it well.
  std::unordered_map<std::uint64_t, WindowCount> windows_;
  // One record per entry of windows_, with the same end (a window's end never moves).
  std::vector<End> ends_;
  OverflowSketch overflow_;
  std::uint64_t overflow_hits_ = 0;
};

}  // namespace v1
}  // namespace authkit
