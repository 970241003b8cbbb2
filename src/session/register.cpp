// Registration (docs/api.md#register): unique e-mail checked before hashing, the user audited
// (docs/compatibility.md#registration-audit).
#include <utility>

#include "session/service_state.hpp"

namespace authkit::detail {

Result<UserProfile> register_user(ServiceState& state, const RegisterInput& input,
                                  const RequestContext& ctx) {
  const std::string email = normalize_email(input.email);
  auto existing = state.store->find_user_by_email(email);
  if (!existing) return std::move(existing).error();
  // A taken e-mail costs no hashing work (as the original); the insert below still maps a
  // concurrent duplicate to 409 (docs/compatibility.md#concurrent-registration).
  if (*existing) return Error(ErrorCode::kUserAlreadyExists);

  auto ticket = admit_hashing(state, ctx);
  if (!ticket) return std::move(ticket).error();
  auto hash = state.hasher->hash(input.password);
  ticket->release();  // before the insert: the slot is for hashing only
  if (!hash) return hashing_failed(state, std::move(hash).error());

  auto user = state.store->create_user(NewUser{input.name, email, std::move(*hash), state.now()});
  if (!user) return std::move(user).error();
  state.audit_event("auth.user.registered", ctx, {{"userId", std::int64_t{user->id}}});
  return UserProfile(std::move(*user));
}

}  // namespace authkit::detail
