// DELETE /v1/auth/sessions/:id and DELETE /v1/auth/sessions: revocations by an authenticated user.
#include <utility>

#include "session/service_state.hpp"

namespace authkit::detail {

Result<void> revoke_session(ServiceState& state, const Principal& principal,
                            std::string_view session_id, const RequestContext& ctx) {
  auto valid = validate_session_id(session_id);
  if (!valid) return std::move(valid).error();
  auto revoked = state.store->revoke_session(principal.user_id, *valid, state.now());
  if (!revoked) {
    Error error = std::move(revoked).error();
    // The bearer check's SESSION_NOT_FOUND is 401; this one is the route's 404
    // (docs/api.md#revoke-session).
    if (error.code == ErrorCode::kSessionNotFound) return std::move(error).with_status(404);
    return error;
  }
  // Audited even when the session had already ended, as the original.
  state.audit_event("auth.session.revoked", ctx,
                    {{"userId", std::int64_t{principal.user_id}}, {"sessionId", *valid}});
  return {};
}

Result<std::int64_t> revoke_all_sessions(ServiceState& state, const Principal& principal,
                                         const RequestContext& ctx) {
  auto count = state.store->revoke_all_sessions(principal.user_id, state.now());
  if (!count) return std::move(count).error();
  // The sessions this call revoked, not every listed one
  // (docs/compatibility.md#atomic-revocations).
  state.audit_event("auth.session.revoked_all", ctx,
                    {{"userId", std::int64_t{principal.user_id}}, {"affectedSessions", *count}});
  return *count;
}

}  // namespace authkit::detail
