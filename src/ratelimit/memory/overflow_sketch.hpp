// OverflowSketch: fixed-memory window counters for lock-out keys a full store cannot track.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <memory>

#include "ratelimit/memory/window_count.hpp"

namespace authkit {
inline namespace v1 {

// A count-min sketch with windows: kRows rows of `cells_per_row` cells, each cell a fixed
// window counter {count, expires_at}. A key maps to one cell per row (a remix of its keyed id,
// so a client cannot choose its cells); a hit counts in each of them and the key's estimate is
// the smallest of their counts. Cells are never evicted or reused early, so an estimate can
// never fall below the hits the key made in the window: it can only over-count, when other keys
// share all of its cells. That is the safe side for a lock-out (docs/rate-limiting.md,
// "When the account store is full").
//
// The cells are allocated with calloc at construction: zero-filled pages the kernel only backs
// with memory once a hit writes to them, and no allocation on the hit path (which therefore
// never fails). Not thread-safe: the limiter holds the shard's lock around every call.
class OverflowSketch {
 public:
  static constexpr std::size_t kRows = 2;

  explicit OverflowSketch(std::size_t cells_per_row);

  // Counts one hit of `id` in each of its cells (a cell whose window ended starts a new one of
  // `window_ms`) and returns the estimate: the smallest count, and the earliest end among the
  // key's cells (when the estimate may next drop).
  WindowCount hit(std::uint64_t id, std::int64_t now_ms, std::int64_t window_ms) noexcept;
  // The estimate without counting; {0, 0} while no cell of `id` has a running window.
  WindowCount peek(std::uint64_t id, std::int64_t now_ms) const noexcept;

  // Whether any hit was ever counted here: until then peek() need not look.
  bool used() const noexcept { return used_; }
  std::size_t cells_per_row() const noexcept { return cells_per_row_; }

 private:
  struct Cell {
    std::int64_t count;
    std::int64_t expires_at_ms;
  };
  struct Free {
    void operator()(Cell* cells) const noexcept { std::free(cells); }
  };

  std::size_t index(std::uint64_t id, std::size_t row) const noexcept;

  std::size_t cells_per_row_;
  std::unique_ptr<Cell[], Free> cells_;
  bool used_ = false;
};

}  // namespace v1
}  // namespace authkit
