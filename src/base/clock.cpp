// The system clock and the process-wide instance handed to components that get none.
#include "authkit/clock.hpp"

namespace authkit {
inline namespace v1 {

Clock::~Clock() = default;

TimePoint SystemClock::now() const {
  return std::chrono::time_point_cast<Duration>(std::chrono::system_clock::now());
}

std::shared_ptr<const Clock> system_clock() {
  static const auto instance = std::make_shared<const SystemClock>();
  return instance;
}

}  // namespace v1
}  // namespace authkit
