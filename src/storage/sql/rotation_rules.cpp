// The refresh-step decisions, in the original's order of checks (docs/api.md#refresh-steps).
#include "storage/sql/rotation_rules.hpp"

#include "authkit/crypto.hpp"

namespace authkit {
inline namespace v1 {
namespace storage {

bool within_grace(const RefreshToken& token, const RotateRequest& request) noexcept {
  return request.reuse_grace > Duration::zero() && token.status == RefreshTokenStatus::kUsed &&
         token.used_at.has_value() && token.replaced_by_token_id.has_value() &&
         request.now - *token.used_at <= request.reuse_grace;
}

RotateOutcome decide_rotation(const std::optional<RefreshToken>& token,
                              const std::optional<Session>& session,
                              const std::optional<RefreshToken>& child,
                              const RotateRequest& request) noexcept {
  if (!token) return RotateOutcome::kNotFound;
  if (token->session_id != request.session_id) return RotateOutcome::kSessionMismatch;
  if (!session || session->user_id != request.user_id) return RotateOutcome::kSessionMismatch;
  if (session->status == SessionStatus::kCompromised) return RotateOutcome::kSessionCompromised;
  if (session->status != SessionStatus::kActive) return RotateOutcome::kSessionRevoked;
  const bool hash_ok = crypto::constant_time_equal(token->token_hash, request.token_hash);
  if (token->status != RefreshTokenStatus::kActive) {
    // A second presentation of a just-rotated parent whose child nobody used yet: a concurrent
    // tab or a retry after a lost response, answered with the same child
    // (docs/compatibility.md#refresh-reuse-grace).
    if (within_grace(*token, request) && child && child->status == RefreshTokenStatus::kActive &&
        child->expires_at > request.now &&
        (!session->expires_at || *session->expires_at > request.now)) {
      return hash_ok ? RotateOutcome::kGraceReuse : RotateOutcome::kHashMismatch;
    }
    return RotateOutcome::kTokenNotActive;
  }
  if (token->expires_at <= request.now) return RotateOutcome::kExpired;
  if (session->expires_at && *session->expires_at <= request.now) return RotateOutcome::kExpired;
  if (!hash_ok) return RotateOutcome::kHashMismatch;
  return RotateOutcome::kRotated;
}

void record_compromise(RotateResult& out, const CompromiseResult& done, TimePoint now) {
  if (done.session_compromised && out.session) {
    out.session->status = SessionStatus::kCompromised;
    out.session->compromised_at = now;
    out.session->updated_at = now;
  }
  if (done.token_marked_reused && out.token) {
    out.token->status = RefreshTokenStatus::kReused;
    out.token->revoked_at = now;
  }
  out.compromised = done;
}

RevokeByTokenOutcome decide_revoke_by_token(const std::optional<RefreshToken>& token,
                                            const RevokeByTokenRequest& request) noexcept {
  if (!token) return RevokeByTokenOutcome::kNotFound;
  if (token->session_id != request.session_id) return RevokeByTokenOutcome::kSessionMismatch;
  if (token->status != RefreshTokenStatus::kActive) return RevokeByTokenOutcome::kTokenNotActive;
  if (!crypto::constant_time_equal(token->token_hash, request.token_hash)) {
    return RevokeByTokenOutcome::kHashMismatch;
  }
  return RevokeByTokenOutcome::kRevoked;
}

}  // namespace storage
}  // namespace v1
}  // namespace authkit
