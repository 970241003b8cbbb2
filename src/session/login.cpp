// Login (docs/api.md#login): per-account throttling, the hashing queue, equal hashing work for
// unknown e-mails (docs/compatibility.md#login-equal-hashing), rehash of outdated hashes, and the
// session created with its first token at once (docs/compatibility.md#atomic-login).
#include <utility>

#include "authkit/crypto.hpp"
#include "session/service_state.hpp"

namespace authkit::detail {
namespace {

Error invalid_credentials(ServiceState& state, const RequestContext& ctx, std::string_view email,
                          std::optional<UserId> user_id) {
  auto recorded = state.policy.record_login_failure(email);
  if (!recorded) {
    state.log(LogLevel::kWarn, "rate_limiter_error", ctx,
              {{"bucket", std::string(RateLimitPolicy::kAccountBucket)},
               {"error", recorded.error().diagnostic}});
  }
  state.metrics.login_attempt("invalid_credentials");
  LogFields fields;
  // E-mail addresses are personal data: only when the operator asked for them
  // (docs/compatibility.md#audit-email-opt-in).
  if (state.config.audit_log_emails) fields.emplace_back("email", std::string(email));
  if (user_id) fields.emplace_back("userId", std::int64_t{*user_id});
  state.audit_event("auth.login.failed", ctx, std::move(fields));
  return Error(ErrorCode::kInvalidCredentials);
}

// Replaces a hash of another algorithm or cost (a bcrypt hash from an adopted database) with
// one of the current policy. Best effort: the login has succeeded whatever happens here.
void rehash_if_needed(ServiceState& state, const RequestContext& ctx, const User& user,
                      std::string_view password) {
  if (!state.hasher->needs_rehash(user.password_hash)) return;
  auto fresh = state.hasher->hash(password);
  if (!fresh) {
    if (fresh.error().code == ErrorCode::kServiceUnavailable) state.metrics.hash_rejected();
    state.log(
        LogLevel::kWarn, "password_rehash_failed", ctx,
        {{"userId", std::int64_t{user.id}}, {"error", std::string(to_string(fresh.error().code))}});
    return;
  }
  auto updated = state.store->update_password_hash(user.id, *fresh, state.now());
  if (!updated) {
    state.log(LogLevel::kWarn, "password_rehash_failed", ctx,
              {{"userId", std::int64_t{user.id}}, {"error", updated.error().diagnostic}});
  }
}

}  // namespace

Result<AuthResult> login(ServiceState& state, const CreateSessionInput& input,
                         const RequestContext& ctx, std::optional<RateLimitDecision>& decision) {
  const std::string email = normalize_email(input.email);

  // Before any hashing: a locked account costs an attacker nothing but costs us nothing either.
  auto account = state.policy.check_account(email);
  if (!account) {
    state.log(LogLevel::kWarn, "rate_limiter_error", ctx,
              {{"bucket", std::string(RateLimitPolicy::kAccountBucket)},
               {"error", account.error().diagnostic}});
  } else if (!account->allowed) {
    decision = *account;
    return rate_limited(state, RateLimitPolicy::kAccountBucket, *account);
  }

  User user;
  {
    // Queued before the lookup, for known and unknown e-mails alike: a refusal then costs no
    // database work, and waiting cannot tell which accounts exist
    // (docs/compatibility.md#password-hash-queue).
    auto ticket = admit_hashing(state, ctx);
    if (!ticket) return std::move(ticket).error();
    auto found = state.store->find_user_by_email(email);
    if (!found) return std::move(found).error();
    if (!*found) {
      // Verify against the dummy hash so that an unknown e-mail takes as long as a wrong
      // password.
      auto dummy = state.hasher->verify(input.password, state.dummy_hash);
      if (!dummy) return hashing_failed(state, std::move(dummy).error());
      ticket->release();
      return invalid_credentials(state, ctx, email, std::nullopt);
    }
    user = std::move(**found);
    auto matches = state.hasher->verify(input.password, user.password_hash);
    if (!matches) return hashing_failed(state, std::move(matches).error());
    if (!*matches) {
      ticket->release();
      return invalid_credentials(state, ctx, email, user.id);
    }
    // Under the same slot: the rehash follows the verification, so one hash at a time still.
    rehash_if_needed(state, ctx, user, input.password);
  }  // the slot is given back before the session is written

  const TimePoint now = state.now();
  const std::int64_t iat = to_unix_seconds(now);
  const std::string session_id = crypto::random_uuid_v4();
  const Claims access = access_claims(state, session_id, user.id, iat);
  const Claims refresh = refresh_claims(state, session_id, user.id, crypto::random_uuid_v4(), iat);
  auto access_token = state.codec.issue(access);
  if (!access_token) return std::move(access_token).error();
  auto refresh_token = state.codec.issue(refresh);
  if (!refresh_token) return std::move(refresh_token).error();

  NewSession row;
  row.id = session_id;
  row.user_id = user.id;
  row.client = ctx.client;
  if (state.config.session_max_age > Duration::zero()) {
    row.expires_at = now + state.config.session_max_age;
  }
  row.first_token.jti = refresh.jwt_id;
  row.first_token.token_hash = crypto::sha256_hex(*refresh_token);
  row.first_token.expires_at = now + state.config.refresh_token_expires_in;
  row.now = now;
  auto created = state.store->create_session(row);
  if (!created) return std::move(created).error();

  state.metrics.login_attempt("success");
  state.audit_event("auth.login.succeeded", ctx,
                    {{"userId", std::int64_t{user.id}}, {"sessionId", session_id}});
  return AuthResult{std::move(*access_token), std::move(*refresh_token),
                    UserProfile(std::move(user)), SessionInfo{std::move(created->session), true}};
}

}  // namespace authkit::detail
