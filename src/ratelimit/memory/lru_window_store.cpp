// LruWindowStore: a hash map into an LRU list whose tail node is reused at capacity.
#include "ratelimit/memory/lru_window_store.hpp"

#include <algorithm>
#include <iterator>

namespace authkit {
inline namespace v1 {

LruWindowStore::LruWindowStore(std::size_t capacity)
    : capacity_(std::max<std::size_t>(capacity, 1)) {
  index_.reserve(std::min<std::size_t>(capacity_, 4096));
}

WindowCount LruWindowStore::hit(std::uint64_t id, std::int64_t now_ms, std::int64_t window_ms) {
  auto found = index_.find(id);
  if (found == index_.end()) {
    if (lru_.size() >= capacity_) {
      // At capacity: the least recently hit key goes; its list node is reused for the new key
      // rather than freed and allocated again.
      index_.erase(lru_.back().id);
      lru_.splice(lru_.begin(), lru_, std::prev(lru_.end()));
      lru_.front() = Entry{id, WindowCount{0, now_ms + window_ms}};
    } else {
      lru_.push_front(Entry{id, WindowCount{0, now_ms + window_ms}});
    }
    try {
      index_.emplace(id, lru_.begin());
    } catch (...) {
      lru_.pop_front();
      throw;
    }
  } else if (found->second != lru_.begin()) {
    lru_.splice(lru_.begin(), lru_, found->second);
  }
  WindowCount& window = lru_.front().window;
  // Strictly after the end, as the original: a hit exactly at expires_at still counts in the
  // old window.
  if (now_ms > window.expires_at_ms) window = WindowCount{0, now_ms + window_ms};
  ++window.count;
  return window;
}

WindowCount LruWindowStore::peek(std::uint64_t id, std::int64_t now_ms) const {
  auto found = index_.find(id);
  if (found == index_.end() || now_ms > found->second->window.expires_at_ms) return {};
  return found->second->window;
}

}  // namespace v1
}  // namespace authkit
