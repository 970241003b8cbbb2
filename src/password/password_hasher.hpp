// The library's PasswordHasher: Argon2id or bcrypt behind a ConcurrencyGate (internal header).
#pragma once

#include <memory>

#include "authkit/password.hpp"
#include "password/concurrency_gate.hpp"

namespace authkit::detail {

// make_password_hasher with a gate the caller keeps a handle on: tests hold its permits to
// saturate it deterministically, and several hashers may share one gate.
std::shared_ptr<PasswordHasher> make_password_hasher(PasswordPolicy policy,
                                                     std::shared_ptr<ConcurrencyGate> gate);

}  // namespace authkit::detail
