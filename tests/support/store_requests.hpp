// Store requests as the core builds them, without Catch2: shared by the store conformance suite
// (tests/conformance/store_helpers.hpp) and bench/storage_bench.cpp.
#pragma once

#include <chrono>
#include <string>
#include <utility>

#include "authkit/crypto.hpp"
#include "authkit/store.hpp"

namespace authkit_test {

using namespace std::chrono_literals;
using authkit::Duration;
using authkit::TimePoint;

inline constexpr Duration kTokenLifetime = 7 * 24h;

// What the core would store for a refresh token: a fresh jti and the hash of "the token".
inline authkit::NewRefreshToken new_token(TimePoint now, Duration lifetime = kTokenLifetime) {
  authkit::NewRefreshToken t;
  t.jti = authkit::crypto::random_uuid_v4();
  t.token_hash = authkit::crypto::sha256_hex("refresh-token-" + t.jti);
  t.expires_at = now + lifetime;
  return t;
}

// The request the core builds when `token` of `session` is presented at `now`.
inline authkit::RotateRequest rotate_request(const authkit::Session& session,
                                             const authkit::RefreshToken& token, TimePoint now,
                                             authkit::ClientInfo client = {"agent/2.0",
                                                                           "10.0.0.2"}) {
  authkit::RotateRequest r;
  r.session_id = session.id;
  r.user_id = session.user_id;
  r.jti = token.jti;
  r.token_hash = token.token_hash;
  r.child = new_token(now);
  r.client = std::move(client);
  r.now = now;
  return r;
}

}  // namespace authkit_test
