/// @file
/// Logger: how operational events leave the library. The library never prints on its own.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "authkit/export.hpp"

namespace authkit {
inline namespace v1 {

/// pino's numeric levels, which the original service's log lines carry.
enum class LogLevel : int {
  kTrace = 10,
  kDebug = 20,
  kInfo = 30,
  kWarn = 40,
  kError = 50,
  kFatal = 60,
  kSilent = 1000,  ///< a threshold only (LOG_LEVEL=silent): no event has this level
};

/// One value of a log field.
using LogValue = std::variant<std::string, std::int64_t, bool, double>;
/// A log line's fields, in the order they are written.
using LogFields = std::vector<std::pair<std::string, LogValue>>;

/// Receives operational events ("rate_limiter_fallback", ...) with structured fields, in order.
/// Implementations must be thread-safe and must not throw. Fields never carry a secret, token,
/// password or Authorization value: the library guarantees it for what it logs.
class AUTHKIT_API Logger {
 public:
  virtual ~Logger();
  /// Logs `event` with `fields` at `level`; must not throw.
  virtual void log(LogLevel level, std::string_view event, const LogFields& fields) noexcept = 0;
};

/// The default: drops everything.
class AUTHKIT_API NullLogger final : public Logger {
 public:
  void log(LogLevel, std::string_view, const LogFields&) noexcept override {}  ///< Drops the line.
};

}  // namespace v1
}  // namespace authkit
