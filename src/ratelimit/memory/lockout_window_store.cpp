// LockoutWindowStore: exact windows reclaimed only once ended, the sketch past capacity.
#include "ratelimit/memory/lockout_window_store.hpp"

#include <algorithm>
#include <functional>
#include <new>

namespace authkit {
inline namespace v1 {

LockoutWindowStore::LockoutWindowStore(std::size_t capacity)
    : capacity_(std::max<std::size_t>(capacity, 1)), overflow_(2 * capacity_) {
  // Reserved once, so that pushing a record never reallocates (nor throws): the heap never holds
  // more records than the map holds entries, at most capacity_. The kernel backs the reserved
  // pages with memory only as records are written.
  ends_.reserve(capacity_);
}

void LockoutWindowStore::reclaim_ended(std::int64_t now_ms) noexcept {
  while (!ends_.empty() && now_ms > ends_.front().first) {
    windows_.erase(ends_.front().second);
    std::pop_heap(ends_.begin(), ends_.end(), std::greater<>());
    ends_.pop_back();
  }
}

WindowCount LockoutWindowStore::hit(std::uint64_t id, std::int64_t now_ms,
                                    std::int64_t window_ms) noexcept {
  reclaim_ended(now_ms);
  if (auto found = windows_.find(id); found != windows_.end()) {
    // Still running: reclaim_ended() just removed every window that had ended.
    ++found->second.count;
    return found->second;
  }
  if (windows_.size() < capacity_) {
    // Hits the sketch counted for this key earlier in its window carry over (an over-count at
    // worst), so a key gains nothing from having been counted there.
    const WindowCount before = overflow_.peek(id, now_ms);
    const WindowCount window{before.count + 1, now_ms + window_ms};
    try {
      windows_.emplace(id, window);
    } catch (const std::bad_alloc&) {
      ++overflow_hits_;
      return overflow_.hit(id, now_ms, window_ms);
    }
    ends_.emplace_back(window.expires_at_ms, id);
    std::push_heap(ends_.begin(), ends_.end(), std::greater<>());
    return window;
  }
  ++overflow_hits_;
  return overflow_.hit(id, now_ms, window_ms);
}

WindowCount LockoutWindowStore::peek(std::uint64_t id, std::int64_t now_ms) const noexcept {
  if (auto found = windows_.find(id); found != windows_.end()) {
    if (now_ms <= found->second.expires_at_ms) return found->second;
  }
  return overflow_.peek(id, now_ms);
}

}  // namespace v1
}  // namespace authkit
