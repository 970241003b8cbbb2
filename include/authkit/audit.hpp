/// @file
/// AuditSink: where security events (logins, refreshes, replays, revocations) leave the library.
#pragma once

#include <string>
#include <string_view>

#include "authkit/export.hpp"
#include "authkit/logger.hpp"

namespace authkit {
inline namespace v1 {

/// One audit event with the original's names ("auth.login.succeeded", ...) and fields in order.
/// Events never carry a token, password or Authorization value; e-mail addresses appear only when
/// the embedder enables them (AUDIT_LOG_EMAILS).
struct AuditEvent {
  std::string event;           ///< The event's name, e.g. `auth.login.succeeded`.
  std::string correlation_id;  ///< empty when the caller gave none
  LogFields fields;            ///< What the event is about (user and session ids); never a secret.
};

/// Implementations must be thread-safe and must not throw.
class AUTHKIT_API AuditSink {
 public:
  virtual ~AuditSink();
  /// Takes one event; must not throw and should not block for long (it runs on the request's
  /// thread).
  virtual void record(const AuditEvent& event) noexcept = 0;
};

/// The default: drops everything.
class AUTHKIT_API NullAuditSink final : public AuditSink {
 public:
  void record(const AuditEvent&) noexcept override {}  ///< Drops the event.
};

}  // namespace v1
}  // namespace authkit
