// OverflowSketch: per-cell fixed windows, estimate = the smallest count among a key's cells.
#include "ratelimit/memory/overflow_sketch.hpp"

#include <algorithm>
#include <limits>
#include <new>
#include <type_traits>

namespace authkit {
inline namespace v1 {

OverflowSketch::OverflowSketch(std::size_t cells_per_row)
    : cells_per_row_(std::max<std::size_t>(cells_per_row, 1)) {
  static_assert(std::is_trivial_v<Cell>, "calloc'd cells must need no construction");
  // calloc: an all-zero Cell is a cell whose window ended at the epoch.
  cells_.reset(static_cast<Cell*>(std::calloc(kRows * cells_per_row_, sizeof(Cell))));
  if (!cells_) throw std::bad_alloc();
}

std::size_t OverflowSketch::index(std::uint64_t id, std::size_t row) const noexcept {
  // Salts 0x5e1..: distinct from the shard choice's, so a row index does not repeat the bits
  // that picked the shard.
  return row * cells_per_row_ + static_cast<std::size_t>(remix(id, 0x5e10 + row) % cells_per_row_);
}

WindowCount OverflowSketch::hit(std::uint64_t id, std::int64_t now_ms,
                                std::int64_t window_ms) noexcept {
  used_ = true;
  WindowCount estimate{std::numeric_limits<std::int64_t>::max(),
                       std::numeric_limits<std::int64_t>::max()};
  for (std::size_t row = 0; row < kRows; ++row) {
    Cell& cell = cells_[index(id, row)];
    if (now_ms > cell.expires_at_ms) cell = Cell{0, now_ms + window_ms};
    ++cell.count;
    estimate.count = std::min(estimate.count, cell.count);
    estimate.expires_at_ms = std::min(estimate.expires_at_ms, cell.expires_at_ms);
  }
  return estimate;
}

WindowCount OverflowSketch::peek(std::uint64_t id, std::int64_t now_ms) const noexcept {
  if (!used_) return {};
  WindowCount estimate{std::numeric_limits<std::int64_t>::max(),
                       std::numeric_limits<std::int64_t>::max()};
  for (std::size_t row = 0; row < kRows; ++row) {
    const Cell& cell = cells_[index(id, row)];
    // A cell whose window ended counts 0: the estimate is 0 and no window runs for the key.
    if (now_ms > cell.expires_at_ms) return {};
    estimate.count = std::min(estimate.count, cell.count);
    estimate.expires_at_ms = std::min(estimate.expires_at_ms, cell.expires_at_ms);
  }
  return estimate;
}

}  // namespace v1
}  // namespace authkit
