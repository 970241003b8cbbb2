/// @file
/// The clock every libauthkit component reads time from, injectable for tests.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>

#include "authkit/export.hpp"

namespace authkit {
inline namespace v1 {

/// Milliseconds since the Unix epoch, UTC: the precision of every stored timestamp.
using TimePoint = std::chrono::sys_time<std::chrono::milliseconds>;
using Duration = std::chrono::milliseconds;  ///< Durations at the clocks' precision.

/// Thread-safe: now() may be called from any thread.
class AUTHKIT_API Clock {
 public:
  virtual ~Clock();
  virtual TimePoint now() const = 0;  ///< The current time, to the millisecond.
};

/// The system's real-time clock.
class AUTHKIT_API SystemClock final : public Clock {
 public:
  TimePoint now() const override;  ///< std::chrono::system_clock, truncated to milliseconds.
};

/// A clock that only moves when told to: for tests and simulations. Thread-safe.
class AUTHKIT_API ManualClock final : public Clock {
 public:
  /// A clock standing at `start`.
  explicit ManualClock(TimePoint start) : now_ms_(start.time_since_epoch().count()) {}
  /// Where the clock stands.
  TimePoint now() const override { return TimePoint(Duration(now_ms_.load())); }
  /// Moves the clock to `t` (backwards too).
  void set(TimePoint t) { now_ms_.store(t.time_since_epoch().count()); }
  void advance(Duration d) { now_ms_.fetch_add(d.count()); }  ///< Moves the clock forward by `d`.

 private:
  std::atomic<std::int64_t> now_ms_;
};

/// A process-wide SystemClock, for callers that do not inject one.
AUTHKIT_API std::shared_ptr<const Clock> system_clock();

/// Whole seconds since the epoch (floor), as JWT NumericDate claims count them.
inline std::int64_t to_unix_seconds(TimePoint t) {
  return std::chrono::floor<std::chrono::seconds>(t).time_since_epoch().count();
}

}  // namespace v1
}  // namespace authkit
