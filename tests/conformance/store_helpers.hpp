// Helpers of the store conformance suite: users, sessions and tokens with known hashes.
#pragma once

#include <catch2/catch.hpp>

#include <string>

#include "authkit/crypto.hpp"
#include "authkit/store.hpp"
#include "store_requests.hpp"

namespace authkit_test {

using namespace std::chrono_literals;
using authkit::Duration;
using authkit::TimePoint;

// A fixed, millisecond-precise start time for the fake clock.
inline const TimePoint kT0{Duration{1'750'000'000'123}};
inline authkit::User make_user(authkit::Store& store, const std::string& email,
                               TimePoint now = kT0) {
  auto u = store.create_user({"Test User", email, "$argon2id$v=19$m=65536,t=2,p=1$x$y", now});
  if (!u) FAIL("create_user: " << u.error().diagnostic);
  return *u;
}

inline authkit::CreatedSession make_session(authkit::Store& store, authkit::UserId user,
                                            TimePoint now = kT0,
                                            authkit::ClientInfo client = {"agent/1.0",
                                                                          "::ffff:127.0.0.1"}) {
  authkit::NewSession s;
  s.id = authkit::crypto::random_uuid_v4();
  s.user_id = user;
  s.client = std::move(client);
  s.first_token = new_token(now);
  s.now = now;
  auto created = store.create_session(s);
  if (!created) FAIL("create_session: " << created.error().diagnostic);
  return *created;
}

// A user with a first session: where most session and rotation cases start.
struct UserSession {
  authkit::User user;
  authkit::CreatedSession created;
};

inline UserSession make_user_session(authkit::Store& store, const std::string& email) {
  auto user = make_user(store, email);
  auto created = make_session(store, user.id);
  return {std::move(user), std::move(created)};
}

template <class T>
T value_or_fail(authkit::Result<T> r, const char* what) {
  if (!r) FAIL(what << ": " << r.error().message << " / " << r.error().diagnostic);
  return std::move(*r);
}

#define AK_OK(expr) ::authkit_test::value_or_fail((expr), #expr)

inline void require_ok(const authkit::Result<void>& r, const char* what) {
  if (!r) FAIL(what << ": " << r.error().message << " / " << r.error().diagnostic);
}

}  // namespace authkit_test
