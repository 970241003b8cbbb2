// Logout (docs/api.md#logout-steps) in one store transaction; a second logout is not a replay
// (docs/compatibility.md#logout-ended-session).
#include <utility>

#include "authkit/crypto.hpp"
#include "session/service_state.hpp"

namespace authkit::detail {

Result<void> logout(ServiceState& state, const RefreshTokenInput& input,
                    const RequestContext& ctx) {
  const TimePoint now = state.now();
  auto verified =
      state.codec.verify(input.refresh_token, TokenType::kRefresh, to_unix_seconds(now));
  if (!verified) return to_error(verified.error());
  const Claims& presented = *verified;
  const auto user_id = parse_user_id(presented.subject);
  if (!user_id) return Error(ErrorCode::kInvalidToken, "sub is not a user id");

  const std::string hash = crypto::sha256_hex(input.refresh_token);
  auto revoked = state.store->revoke_session_by_token(
      RevokeByTokenRequest{presented.session_id, presented.jwt_id, hash, now});
  if (!revoked) return std::move(revoked).error();

  const LogFields revoked_fields{{"userId", std::int64_t{*user_id}},
                                 {"sessionId", presented.session_id}};
  switch (revoked->outcome) {
    case RevokeByTokenOutcome::kRevoked:
      state.audit_event("auth.session.revoked_current", ctx, revoked_fields);
      return {};
    case RevokeByTokenOutcome::kNotFound:
    case RevokeByTokenOutcome::kSessionMismatch:
      return Error(ErrorCode::kInvalidRefreshToken);
    case RevokeByTokenOutcome::kTokenNotActive:
      // The session already ended (revoked by a first logout or elsewhere, or compromised) and
      // the token is the one we issued: the caller wants it ended, and it is
      // (docs/compatibility.md#logout-ended-session). A used token of a still ACTIVE session is a
      // replay, as in the original.
      if (revoked->session && revoked->session->status != SessionStatus::kActive &&
          crypto::constant_time_equal(revoked->token->token_hash, hash)) {
        state.audit_event("auth.session.revoked_current", ctx, revoked_fields);
        return {};
      }
      return compromise(state, presented.session_id, revoked->token->id, ctx);
    case RevokeByTokenOutcome::kHashMismatch:
      return compromise(state, presented.session_id, revoked->token->id, ctx);
  }
  return Error(ErrorCode::kInternalServerError, "unknown logout outcome");
}

}  // namespace authkit::detail
