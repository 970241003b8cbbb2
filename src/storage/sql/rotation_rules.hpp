// The refresh-step decisions (docs/api.md#refresh-steps, docs/api.md#logout-steps) and the reuse
// grace (docs/compatibility.md#refresh-reuse-grace), on rows read in a transaction.
#pragma once

#include <optional>

#include "authkit/store.hpp"

namespace authkit {
inline namespace v1 {
namespace storage {

// True when the token was rotated within the reuse grace: a rotation must then also read the
// presented token's child to decide.
bool within_grace(const RefreshToken& token, const RotateRequest& request) noexcept;

// Which branch the refresh takes for `token` (found by jti) and `session` (its session, read
// under the transaction's lock). `child` is the token's replacement when within_grace.
RotateOutcome decide_rotation(const std::optional<RefreshToken>& token,
                              const std::optional<Session>& session,
                              const std::optional<RefreshToken>& child,
                              const RotateRequest& request) noexcept;

// A replay, which the rotation answers by compromising the session in its own transaction.
constexpr bool is_replay(RotateOutcome outcome) noexcept {
  return outcome == RotateOutcome::kTokenNotActive || outcome == RotateOutcome::kHashMismatch;
}

// Records `done` (the compromise made on `out.token` and `out.session`) in `out`, and the rows as
// the compromise left them, so that the result shows them as they are now.
void record_compromise(RotateResult& out, const CompromiseResult& done, TimePoint now);

// Which branch a logout with the presented token takes (docs/api.md#logout-steps: no session
// checks).
RevokeByTokenOutcome decide_revoke_by_token(const std::optional<RefreshToken>& token,
                                            const RevokeByTokenRequest& request) noexcept;

}  // namespace storage
}  // namespace v1
}  // namespace authkit
