/// @file
/// JsonLinesSink: a Logger and AuditSink writing pino-compatible JSON lines (for the server).
#pragma once

#include <cstdio>
#include <memory>
#include <mutex>
#include <string>

#include "authkit/audit.hpp"
#include "authkit/clock.hpp"
#include "authkit/logger.hpp"

namespace authkit {
inline namespace v1 {

/// Writes one JSON object per line, with the original service's base fields in its order:
///   `{"level":30,"time":<epoch ms>,"pid":..,"hostname":"..", <fields...>, "msg":"<event>"}`
/// Audit events are lines with msg "auth_audit" and the fields event, correlationId, then the
/// event's own. Lines below `min_level` are dropped. Thread-safe: each line is written whole.
class AUTHKIT_API JsonLinesSink final : public Logger, public AuditSink {
 public:
  /// `out` is not owned and must outlive the sink (stdout for the server).
  JsonLinesSink(std::FILE* out, LogLevel min_level,
                std::shared_ptr<const Clock> clock = system_clock());

  /// Writes one log line when `level` is at or above the sink's level.
  void log(LogLevel level, std::string_view event, const LogFields& fields) noexcept override;
  /// Writes the audit event as one line (level info, `msg` the event's name).
  void record(const AuditEvent& event) noexcept override;

  /// The line log() would write, without writing it (for tests and custom transports).
  std::string format(LogLevel level, std::string_view msg, const LogFields& fields) const;

 private:
  void write_line(const std::string& line) noexcept;

  std::FILE* out_;
  LogLevel min_level_;
  std::shared_ptr<const Clock> clock_;
  std::string prefix_fields_;  ///< "pid":..,"hostname":".."
  std::mutex mutex_;
};

}  // namespace v1
}  // namespace authkit
