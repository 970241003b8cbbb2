// Refresh (docs/api.md#refresh-steps): one atomic rotation in the store, in which a replay
// compromises the session, and the reuse grace (docs/compatibility.md#refresh-reuse-grace)
// answers with the same child token.
#include <utility>

#include "authkit/crypto.hpp"
#include "session/service_state.hpp"

namespace authkit::detail {
namespace {

Error refresh_failure(ServiceState& state, ErrorCode code, std::string_view outcome) {
  state.metrics.refresh_attempt(outcome);
  return Error(code);
}

// The child's token string again, from its stored row: HS256 is deterministic, so the same
// claims under the same key give the same string, whose hash the row holds. Every refresh key is
// tried, the active one first: a child signed before a rotation is re-signed with the key that
// signed it, now verify-only (docs/configuration.md#key-rotation). nullopt when none matches
// (the refresh lifetime changed, or the key was retired), and the child cannot be handed out
// again.
std::optional<std::string> resign_child(ServiceState& state, const RefreshToken& child,
                                        UserId user_id) {
  const Claims claims = refresh_claims(state, child.session_id, user_id, child.jti,
                                       to_unix_seconds(child.created_at));
  for (const SigningKey* key : state.codec.keys().keys(TokenType::kRefresh)) {
    if (!key->can_sign()) continue;
    auto token = state.codec.issue(claims, *key);
    if (token && crypto::constant_time_equal(crypto::sha256_hex(*token), child.token_hash)) {
      return std::move(*token);
    }
  }
  return std::nullopt;
}

}  // namespace

Result<AuthResult> refresh(ServiceState& state, const RefreshTokenInput& input,
                           const RequestContext& ctx) {
  const TimePoint now = state.now();
  const std::int64_t now_s = to_unix_seconds(now);
  auto verified = state.codec.verify(input.refresh_token, TokenType::kRefresh, now_s);
  if (!verified) {
    // An expired but otherwise valid token says so (docs/compatibility.md#refresh-token-expired);
    // every other failure is INVALID_TOKEN and, as in the original, no refresh outcome.
    if (verified.error() == TokenRejection::kExpired) {
      return refresh_failure(state, ErrorCode::kRefreshTokenExpired, "expired");
    }
    return to_error(verified.error());
  }
  const Claims& presented = *verified;
  const auto user_id = parse_user_id(presented.subject);
  if (!user_id) return Error(ErrorCode::kInvalidToken, "sub is not a user id");

  // The pair is signed before the rotation: the store needs the child's jti and hash, and the
  // child must not exist unless the parent was consumed (both happen in one transaction).
  const std::int64_t iat = now_s;
  const Claims child_claims =
      refresh_claims(state, presented.session_id, *user_id, crypto::random_uuid_v4(), iat);
  auto child_token = state.codec.issue(child_claims);
  if (!child_token) return std::move(child_token).error();

  RotateRequest request;
  request.session_id = presented.session_id;
  request.user_id = *user_id;
  request.jti = presented.jwt_id;
  request.token_hash = crypto::sha256_hex(input.refresh_token);
  request.child.jti = child_claims.jwt_id;
  request.child.token_hash = crypto::sha256_hex(*child_token);
  request.child.expires_at = now + state.config.refresh_token_expires_in;
  request.client = ctx.client;
  request.now = now;
  request.reuse_grace = state.config.refresh_reuse_grace;
  auto rotated = state.store->rotate_refresh_token(request);
  if (!rotated) return std::move(rotated).error();

  std::string refresh_token;
  switch (rotated->outcome) {
    case RotateOutcome::kRotated:
      refresh_token = std::move(*child_token);
      break;
    case RotateOutcome::kGraceReuse: {
      auto again = resign_child(state, *rotated->child, *user_id);
      if (!again) {
        // Without the child's string the grace cannot be honoured; what remains is what strict
        // mode does with a used token.
        state.log(LogLevel::kWarn, "refresh_reuse_grace_unavailable", ctx,
                  {{"sessionId", presented.session_id}});
        return compromise(state, presented.session_id, rotated->token->id, ctx);
      }
      refresh_token = std::move(*again);
      state.metrics.reuse_grace();
      break;
    }
    case RotateOutcome::kNotFound:
    case RotateOutcome::kSessionMismatch:
      return refresh_failure(state, ErrorCode::kInvalidRefreshToken, "invalid_token");
    case RotateOutcome::kSessionCompromised:
      return refresh_failure(state, ErrorCode::kSessionCompromised, "session_compromised");
    case RotateOutcome::kSessionRevoked:
      return refresh_failure(state, ErrorCode::kSessionRevoked, "session_revoked");
    case RotateOutcome::kExpired:
      return refresh_failure(state, ErrorCode::kRefreshTokenExpired, "expired");
    case RotateOutcome::kTokenNotActive:
    case RotateOutcome::kHashMismatch:
      // The built-in stores compromise the session in the rotation's transaction; another store
      // may leave it to us.
      if (rotated->compromised) {
        return replay_detected(state, presented.session_id, rotated->token->id, ctx);
      }
      return compromise(state, presented.session_id, rotated->token->id, ctx);
  }

  // The session's user comes back with the rotation (one round trip on PostgreSQL). A store of
  // the embedding program's that leaves RotateResult::user empty costs one read here instead.
  std::optional<User> user = std::move(rotated->user);
  if (!user) {
    auto found = state.store->find_user_by_id(*user_id);
    if (!found) return std::move(found).error();
    user = std::move(*found);
  }
  if (!user) return refresh_failure(state, ErrorCode::kInvalidRefreshToken, "invalid_token");
  auto access_token = state.codec.issue(access_claims(state, presented.session_id, *user_id, iat));
  if (!access_token) return std::move(access_token).error();

  state.metrics.refresh_attempt("success");
  state.audit_event("auth.refresh.succeeded", ctx,
                    {{"userId", std::int64_t{*user_id}}, {"sessionId", presented.session_id}});
  return AuthResult{std::move(*access_token), std::move(refresh_token),
                    UserProfile(std::move(*user)), SessionInfo{std::move(*rotated->session), true}};
}

}  // namespace authkit::detail
