// Conformance: one case per Store operation and per branch, on every backend.
#include <catch2/catch.hpp>

#include "backends.hpp"
#include "store_helpers.hpp"

using namespace authkit_test;
using authkit::ErrorCode;
using authkit::RefreshTokenStatus;
using authkit::RevokeByTokenOutcome;
using authkit::RotateOutcome;
using authkit::SessionStatus;

STORE_TEST("store: create_user stores the user and finds it by email and by id") {
  TestType backend;
  auto store = backend.open();
  auto created = AK_OK(store->create_user({"Gabri", "gabri@test.dev", "$2b$10$hash", kT0}));
  CHECK(created.id >= 1);
  CHECK(created.name == "Gabri");
  CHECK(created.email == "gabri@test.dev");
  CHECK(created.password_hash == "$2b$10$hash");
  CHECK(created.created_at == kT0);
  CHECK(created.updated_at == kT0);

  auto by_email = AK_OK(store->find_user_by_email("gabri@test.dev"));
  REQUIRE(by_email.has_value());
  CHECK(by_email->id == created.id);
  CHECK(by_email->created_at == kT0);  // millisecond precision survives the round trip
  auto by_id = AK_OK(store->find_user_by_id(created.id));
  REQUIRE(by_id.has_value());
  CHECK(by_id->email == "gabri@test.dev");

  auto second = make_user(*store, "other@test.dev");
  CHECK(second.id > created.id);
}

STORE_TEST("store: find_user returns nothing for unknown users") {
  TestType backend;
  auto store = backend.open();
  CHECK_FALSE(AK_OK(store->find_user_by_email("nobody@test.dev")).has_value());
  CHECK_FALSE(AK_OK(store->find_user_by_id(424242)).has_value());
}

STORE_TEST("store: a duplicate email is USER_ALREADY_EXISTS") {
  TestType backend;
  auto store = backend.open();
  make_user(*store, "a@example.com");
  auto again = store->create_user({"Other", "a@example.com", "h", kT0});
  REQUIRE_FALSE(again.ok());
  CHECK(again.error().code == ErrorCode::kUserAlreadyExists);
  CHECK(again.error().status == 409);
}

STORE_TEST("store: text with a NUL character is INVALID_PAYLOAD, not a database error") {
  TestType backend;
  auto store = backend.open();
  auto bad = store->create_user({std::string("Ga\0bri", 6), "nul@test.dev", "h", kT0});
  REQUIRE_FALSE(bad.ok());
  CHECK(bad.error().code == ErrorCode::kInvalidPayload);
  CHECK_FALSE(AK_OK(store->find_user_by_email("nul@test.dev")).has_value());
}

// Client text reaches only bound parameters of fixed statements: quotes, comments, statement
// separators and LIKE wildcards are stored and matched as plain characters.
STORE_TEST("store: SQL metacharacters in client text are data, never SQL") {
  TestType backend;
  auto store = backend.open();
  const auto bystander = make_user(*store, "bystander@test.dev");
  const std::string name = "Robert'); DROP TABLE users; --";
  const std::string email = "o'brien\"; DELETE FROM sessions; --%_\\@test.dev";
  auto created = AK_OK(store->create_user({name, email, "$hash' OR '1'='1", kT0}));
  auto found = AK_OK(store->find_user_by_email(email));
  REQUIRE(found.has_value());
  CHECK(found->id == created.id);
  CHECK(found->name == name);
  CHECK(found->password_hash == "$hash' OR '1'='1");
  CHECK_FALSE(AK_OK(store->find_user_by_email("%")).has_value());
  CHECK_FALSE(AK_OK(store->find_user_by_email("' OR '1'='1")).has_value());
  CHECK_FALSE(AK_OK(store->find_user_by_email("o'brien%")).has_value());

  const authkit::ClientInfo client{"agent'); UPDATE sessions SET status='REVOKED'; --",
                                   "1.2.3.4' --"};
  auto session = make_session(*store, created.id, kT0, client);
  auto stored = AK_OK(store->find_session(session.session.id));
  REQUIRE(stored.has_value());
  CHECK(stored->created_from.user_agent == client.user_agent);
  CHECK(stored->created_from.ip_address == client.ip_address);
  CHECK(stored->status == SessionStatus::kActive);
  auto other = AK_OK(store->find_user_by_id(bystander.id));
  REQUIRE(other.has_value());
  CHECK(other->email == "bystander@test.dev");
}

STORE_TEST("store: update_password_hash replaces the hash and stamps updated_at") {
  TestType backend;
  auto store = backend.open();
  auto user = make_user(*store, "pw@test.dev");
  require_ok(store->update_password_hash(user.id, "$argon2id$new", kT0 + 5s), "update");
  auto again = AK_OK(store->find_user_by_id(user.id));
  REQUIRE(again.has_value());
  CHECK(again->password_hash == "$argon2id$new");
  CHECK(again->updated_at == kT0 + 5s);
  CHECK(again->created_at == kT0);
  auto missing = store->update_password_hash(user.id + 1000, "x", kT0);
  REQUIRE_FALSE(missing.ok());
  CHECK(missing.error().code == ErrorCode::kNotFound);
}

STORE_TEST("store: create_session stores the session with its first refresh token") {
  TestType backend;
  auto store = backend.open();
  auto user = make_user(*store, "s@test.dev");
  auto created = make_session(*store, user.id, kT0, {"agent/1.0", "::ffff:127.0.0.1"});

  auto session = AK_OK(store->find_session(created.session.id));
  REQUIRE(session.has_value());
  CHECK(session->user_id == user.id);
  CHECK(session->status == SessionStatus::kActive);
  CHECK(session->created_at == kT0);
  CHECK(session->last_seen_at == kT0);
  CHECK(session->created_from.user_agent == "agent/1.0");
  CHECK(session->created_from.ip_address == "::ffff:127.0.0.1");
  CHECK(session->last_seen_from.user_agent == "agent/1.0");
  CHECK_FALSE(session->revoked_at.has_value());
  CHECK_FALSE(session->revoke_reason.has_value());
  CHECK_FALSE(session->compromised_at.has_value());
  CHECK_FALSE(session->expires_at.has_value());

  auto token = AK_OK(store->find_refresh_token(created.token.jti));
  REQUIRE(token.has_value());
  CHECK(token->id == created.token.id);
  CHECK(token->session_id == created.session.id);
  CHECK(token->token_hash == created.token.token_hash);
  CHECK(token->status == RefreshTokenStatus::kActive);
  CHECK(token->created_at == kT0);
  CHECK(token->expires_at == kT0 + kTokenLifetime);
  CHECK_FALSE(token->parent_token_id.has_value());
  CHECK_FALSE(token->replaced_by_token_id.has_value());
}

STORE_TEST("store: a session keeps an absent user agent apart from an empty one") {
  TestType backend;
  auto store = backend.open();
  auto user = make_user(*store, "ua@test.dev");
  auto a = make_session(*store, user.id, kT0, {std::nullopt, std::nullopt});
  auto b = make_session(*store, user.id, kT0, {"", "1.2.3.4"});
  auto sa = AK_OK(store->find_session(a.session.id));
  auto sb = AK_OK(store->find_session(b.session.id));
  REQUIRE((sa && sb));
  CHECK_FALSE(sa->created_from.user_agent.has_value());
  CHECK_FALSE(sa->last_seen_from.ip_address.has_value());
  REQUIRE(sb->created_from.user_agent.has_value());
  CHECK(sb->created_from.user_agent->empty());
}

// docs/compatibility.md#atomic-login
STORE_TEST("store: create_session is all or nothing") {
  TestType backend;
  auto store = backend.open();
  auto user = make_user(*store, "w8@test.dev");
  auto first = make_session(*store, user.id);

  // The token insert fails (its jti is taken) after the session insert succeeded.
  authkit::NewSession s;
  s.id = authkit::crypto::random_uuid_v4();
  s.user_id = user.id;
  s.first_token = new_token(kT0);
  s.first_token.jti = first.token.jti;
  s.now = kT0;
  REQUIRE_FALSE(store->create_session(s).ok());
  CHECK_FALSE(AK_OK(store->find_session(s.id)).has_value());

  // An unknown user violates the foreign key.
  s.id = authkit::crypto::random_uuid_v4();
  s.user_id = user.id + 1000;
  s.first_token = new_token(kT0);
  REQUIRE_FALSE(store->create_session(s).ok());
  CHECK_FALSE(AK_OK(store->find_session(s.id)).has_value());
  CHECK_FALSE(AK_OK(store->find_refresh_token(s.first_token.jti)).has_value());
}

STORE_TEST("store: find_session_with_user reads the session and its owner in one") {
  TestType backend;
  auto store = backend.open();
  auto alice = make_user(*store, "alice@test.dev");
  make_user(*store, "bob@test.dev");  // a second user the join must not pick
  auto created = make_session(*store, alice.id, kT0, {"agent/2.0", "10.0.0.7"});

  auto found = AK_OK(store->find_session_with_user(created.session.id));
  REQUIRE(found.has_value());
  const auto alone = AK_OK(store->find_session(created.session.id));
  REQUIRE(alone.has_value());
  CHECK(found->session.id == alone->id);
  CHECK(found->session.user_id == alice.id);
  CHECK(found->session.status == alone->status);
  CHECK(found->session.created_at == alone->created_at);
  CHECK(found->session.created_from.ip_address == "10.0.0.7");
  CHECK(found->session.last_seen_from.user_agent == "agent/2.0");
  CHECK(found->user.id == alice.id);
  CHECK(found->user.email == "alice@test.dev");
  CHECK(found->user.name == alice.name);
  CHECK(found->user.created_at == alice.created_at);
  CHECK(found->user.updated_at == alice.updated_at);

  CHECK_FALSE(AK_OK(store->find_session_with_user(authkit::crypto::random_uuid_v4())).has_value());
}

STORE_TEST("store: find_session_for_user only finds the user's own sessions") {
  TestType backend;
  auto store = backend.open();
  auto alice = make_user(*store, "alice@test.dev");
  auto bob = make_user(*store, "bob@test.dev");
  auto created = make_session(*store, alice.id);
  CHECK(AK_OK(store->find_session_for_user(alice.id, created.session.id)).has_value());
  CHECK_FALSE(AK_OK(store->find_session_for_user(bob.id, created.session.id)).has_value());
  CHECK_FALSE(AK_OK(store->find_session(authkit::crypto::random_uuid_v4())).has_value());
  // Ids are compared exactly: an upper-case spelling is another id (docs/api.md#revoke-session).
  std::string upper = created.session.id;
  for (auto& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  CHECK_FALSE(AK_OK(store->find_session_for_user(alice.id, upper)).has_value());
}

STORE_TEST("store: list_sessions is newest first, stable within one millisecond, any status") {
  TestType backend;
  auto store = backend.open();
  auto user = make_user(*store, "list@test.dev");
  auto other = make_user(*store, "other@test.dev");
  auto s1 = make_session(*store, user.id, kT0);
  auto s2 = make_session(*store, user.id, kT0 + 1ms);
  auto s3 = make_session(*store, user.id, kT0 + 1ms);  // same millisecond as s2, inserted later
  auto s4 = make_session(*store, user.id, kT0 + 1ms);
  make_session(*store, other.id, kT0 + 2ms);
  REQUIRE(AK_OK(store->revoke_session(user.id, s1.session.id, kT0 + 3ms)));

  auto list = AK_OK(store->list_sessions(user.id));
  REQUIRE(list.size() == 4);
  CHECK(list[0].id == s4.session.id);
  CHECK(list[1].id == s3.session.id);
  CHECK(list[2].id == s2.session.id);
  CHECK(list[3].id == s1.session.id);
  CHECK(list[3].status == SessionStatus::kRevoked);
  CHECK(AK_OK(store->list_sessions(user.id + 1000)).empty());
}

STORE_TEST("store: rotate consumes the parent, inserts the child and touches the session") {
  TestType backend;
  auto store = backend.open();
  auto user = make_user(*store, "rot@test.dev");
  auto created = make_session(*store, user.id, kT0, {"agent/1.0", "1.1.1.1"});
  auto req = rotate_request(created.session, created.token, kT0 + 10s, {"agent/2.0", "2.2.2.2"});
  auto r = AK_OK(store->rotate_refresh_token(req));
  REQUIRE(r.outcome == RotateOutcome::kRotated);
  REQUIRE(r.child.has_value());
  CHECK(r.child->jti == req.child.jti);
  CHECK(r.child->status == RefreshTokenStatus::kActive);
  CHECK(r.child->parent_token_id == created.token.id);
  REQUIRE(r.session.has_value());
  CHECK(r.session->last_seen_at == kT0 + 10s);
  CHECK(r.session->last_seen_from.user_agent == "agent/2.0");
  CHECK(r.session->last_seen_from.ip_address == "2.2.2.2");
  // The device that created the session is kept (docs/compatibility.md#session-created-from).
  CHECK(r.session->created_from.user_agent == "agent/1.0");
  CHECK(r.session->created_from.ip_address == "1.1.1.1");

  auto parent = AK_OK(store->find_refresh_token(created.token.jti));
  REQUIRE(parent.has_value());
  CHECK(parent->status == RefreshTokenStatus::kUsed);
  CHECK(parent->used_at == kT0 + 10s);
  CHECK(parent->replaced_by_token_id == r.child->id);
  auto child = AK_OK(store->find_refresh_token(req.child.jti));
  REQUIRE(child.has_value());
  CHECK(child->status == RefreshTokenStatus::kActive);
  CHECK(child->parent_token_id == parent->id);
  CHECK(child->created_at == kT0 + 10s);
  CHECK(child->expires_at == req.child.expires_at);
  CHECK(AK_OK(store->list_refresh_tokens(created.session.id)).size() == 2);
}

STORE_TEST("store: rotate reports not found, session and user mismatches, changing nothing") {
  TestType backend;
  auto store = backend.open();
  auto user = make_user(*store, "nf@test.dev");
  auto a = make_session(*store, user.id);
  auto b = make_session(*store, user.id);

  auto unknown = rotate_request(a.session, a.token, kT0 + 1s);
  unknown.jti = authkit::crypto::random_uuid_v4();
  CHECK(AK_OK(store->rotate_refresh_token(unknown)).outcome == RotateOutcome::kNotFound);

  auto other_session = rotate_request(b.session, a.token, kT0 + 1s);  // a's token, b's sid
  CHECK(AK_OK(store->rotate_refresh_token(other_session)).outcome ==
        RotateOutcome::kSessionMismatch);

  auto other_user = rotate_request(a.session, a.token, kT0 + 1s);
  other_user.user_id = user.id + 1000;
  CHECK(AK_OK(store->rotate_refresh_token(other_user)).outcome == RotateOutcome::kSessionMismatch);

  auto token = AK_OK(store->find_refresh_token(a.token.jti));
  REQUIRE(token.has_value());
  CHECK(token->status == RefreshTokenStatus::kActive);
  CHECK(AK_OK(store->list_refresh_tokens(a.session.id)).size() == 1);
}

STORE_TEST("store: rotate on a revoked or compromised session reports it, changing nothing") {
  TestType backend;
  auto store = backend.open();
  auto user = make_user(*store, "st@test.dev");
  auto revoked = make_session(*store, user.id);
  auto compromised = make_session(*store, user.id);
  REQUIRE(AK_OK(store->revoke_session(user.id, revoked.session.id, kT0 + 1s)));
  REQUIRE(AK_OK(store->compromise_session(compromised.session.id, compromised.token.id, kT0 + 1s))
              .session_compromised);

  auto r1 =
      AK_OK(store->rotate_refresh_token(rotate_request(revoked.session, revoked.token, kT0 + 2s)));
  CHECK(r1.outcome == RotateOutcome::kSessionRevoked);
  auto r2 = AK_OK(store->rotate_refresh_token(
      rotate_request(compromised.session, compromised.token, kT0 + 2s)));
  CHECK(r2.outcome == RotateOutcome::kSessionCompromised);
  CHECK(AK_OK(store->list_refresh_tokens(revoked.session.id)).size() == 1);
  CHECK(AK_OK(store->list_refresh_tokens(compromised.session.id)).size() == 1);
}

namespace {

// The replay's compromise is part of the rotation (docs/compatibility.md#atomic-refresh).
void check_compromised_by(const authkit::RotateResult& replay, authkit::Store& store,
                          std::int64_t tokens_revoked) {
  REQUIRE(replay.compromised.has_value());
  CHECK(replay.compromised->session_compromised);
  CHECK(replay.compromised->token_marked_reused);
  CHECK(replay.compromised->tokens_revoked == tokens_revoked);
  REQUIRE(replay.token.has_value());
  CHECK(replay.token->status == RefreshTokenStatus::kReused);
  REQUIRE(replay.session.has_value());
  CHECK(replay.session->status == SessionStatus::kCompromised);
  CHECK_FALSE(replay.child.has_value());
  // As stored: the session and the presented token as the result says, nothing left ACTIVE.
  auto session = AK_OK(store.find_session(replay.session->id));
  REQUIRE(session.has_value());
  CHECK(session->status == SessionStatus::kCompromised);
  CHECK(session->compromised_at == replay.session->compromised_at);
  CHECK(AK_OK(store.find_refresh_token(replay.token->jti))->status == RefreshTokenStatus::kReused);
  for (const auto& t : AK_OK(store.list_refresh_tokens(replay.session->id))) {
    CHECK(t.status != RefreshTokenStatus::kActive);
  }
}

}  // namespace

STORE_TEST("store: presenting a used token again is a replay that compromises the session") {
  TestType backend;
  auto store = backend.open();
  auto [user, created] = make_user_session(*store, "replay@test.dev");
  auto first =
      AK_OK(store->rotate_refresh_token(rotate_request(created.session, created.token, kT0 + 1s)));
  REQUIRE(first.outcome == RotateOutcome::kRotated);
  CHECK_FALSE(first.compromised.has_value());

  auto replay =
      AK_OK(store->rotate_refresh_token(rotate_request(created.session, created.token, kT0 + 2s)));
  CHECK(replay.outcome == RotateOutcome::kTokenNotActive);
  check_compromised_by(replay, *store, 1);  // the child
  CHECK(replay.session->compromised_at == kT0 + 2s);
  auto tokens = AK_OK(store->list_refresh_tokens(created.session.id));
  REQUIRE(tokens.size() == 2);
  CHECK(tokens[1].status == RefreshTokenStatus::kRevoked);

  // Then the session's status decides, and nothing changes again.
  auto again =
      AK_OK(store->rotate_refresh_token(rotate_request(created.session, created.token, kT0 + 3s)));
  CHECK(again.outcome == RotateOutcome::kSessionCompromised);
  CHECK_FALSE(again.compromised.has_value());
  CHECK(AK_OK(store->find_session(created.session.id))->compromised_at == kT0 + 2s);
}

STORE_TEST("store: rotate with a different hash for a known jti is a replay too") {
  TestType backend;
  auto store = backend.open();
  auto [user, created] = make_user_session(*store, "hash@test.dev");
  auto req = rotate_request(created.session, created.token, kT0 + 1s);
  req.token_hash = authkit::crypto::sha256_hex("forged");
  auto replay = AK_OK(store->rotate_refresh_token(req));
  CHECK(replay.outcome == RotateOutcome::kHashMismatch);
  check_compromised_by(replay, *store, 0);  // the presented token became REUSED, not REVOKED
}

// The store compromises only what decide_rotation calls a replay: each case below is one the
// PostgreSQL function's own condition must get right too.
STORE_TEST("store: only a replay on the user's live session compromises it") {
  TestType backend;
  auto store = backend.open();
  auto user = make_user(*store, "only@test.dev");
  auto other = make_user(*store, "other@test.dev");
  auto unchanged = [&](const authkit::RotateResult& r, const authkit::CreatedSession& c,
                       RotateOutcome outcome) {
    CHECK(r.outcome == outcome);
    CHECK_FALSE(r.compromised.has_value());
    CHECK(AK_OK(store->find_session(c.session.id))->status != SessionStatus::kCompromised);
  };
  auto grace_bounded = [&](authkit::Duration child_lifetime,
                           std::optional<TimePoint> session_expiry) {
    authkit::NewSession s;
    s.id = authkit::crypto::random_uuid_v4();
    s.user_id = user.id;
    s.expires_at = session_expiry;
    s.first_token = new_token(kT0);
    s.now = kT0;
    auto created = AK_OK(store->create_session(s));
    auto first = rotate_request(created.session, created.token, kT0 + 1s);
    first.child = new_token(kT0 + 1s, child_lifetime);
    first.reuse_grace = 5s;
    REQUIRE(AK_OK(store->rotate_refresh_token(first)).outcome == RotateOutcome::kRotated);
    auto again = rotate_request(created.session, created.token, kT0 + 3s);
    again.reuse_grace = 5s;
    return AK_OK(store->rotate_refresh_token(again));
  };

  SECTION("a used token presented as another user's") {
    auto c = make_session(*store, user.id);
    REQUIRE(
        AK_OK(store->rotate_refresh_token(rotate_request(c.session, c.token, kT0 + 1s))).outcome ==
        RotateOutcome::kRotated);
    auto req = rotate_request(c.session, c.token, kT0 + 2s);
    req.user_id = other.id;
    unchanged(AK_OK(store->rotate_refresh_token(req)), c, RotateOutcome::kSessionMismatch);
    CHECK(AK_OK(store->find_refresh_token(c.token.jti))->status == RefreshTokenStatus::kUsed);
  }
  SECTION("an expired token with another hash") {
    auto c = make_session(*store, user.id);
    auto req = rotate_request(c.session, c.token, kT0 + kTokenLifetime);
    req.token_hash = authkit::crypto::sha256_hex("forged");
    unchanged(AK_OK(store->rotate_refresh_token(req)), c, RotateOutcome::kExpired);
    CHECK(AK_OK(store->find_refresh_token(c.token.jti))->status == RefreshTokenStatus::kActive);
  }
  SECTION("a token of an expired session with another hash") {
    authkit::NewSession s;
    s.id = authkit::crypto::random_uuid_v4();
    s.user_id = user.id;
    s.expires_at = kT0 + 1h;
    s.first_token = new_token(kT0);
    s.now = kT0;
    auto c = AK_OK(store->create_session(s));
    auto req = rotate_request(c.session, c.token, kT0 + 2h);
    req.token_hash = authkit::crypto::sha256_hex("forged");
    unchanged(AK_OK(store->rotate_refresh_token(req)), c, RotateOutcome::kExpired);
  }
  SECTION("a used token of a session ended by logout") {
    auto c = make_session(*store, user.id);
    auto rotated = AK_OK(store->rotate_refresh_token(rotate_request(c.session, c.token, kT0 + 1s)));
    REQUIRE(rotated.outcome == RotateOutcome::kRotated);
    REQUIRE(AK_OK(store->revoke_session_by_token(
                      {c.session.id, rotated.child->jti, rotated.child->token_hash, kT0 + 2s}))
                .outcome == RevokeByTokenOutcome::kRevoked);
    unchanged(AK_OK(store->rotate_refresh_token(rotate_request(c.session, c.token, kT0 + 3s))), c,
              RotateOutcome::kSessionRevoked);
    CHECK(AK_OK(store->find_refresh_token(c.token.jti))->status == RefreshTokenStatus::kUsed);
  }
  SECTION("within the grace, but the child has expired: a replay") {
    auto replay = grace_bounded(1s, std::nullopt);
    CHECK(replay.outcome == RotateOutcome::kTokenNotActive);
    check_compromised_by(replay, *store, 1);
  }
  SECTION("within the grace, but the session has expired: a replay") {
    auto replay = grace_bounded(kTokenLifetime, kT0 + 2s);
    CHECK(replay.outcome == RotateOutcome::kTokenNotActive);
    check_compromised_by(replay, *store, 1);
  }
}

STORE_TEST("store: an expired token or session is reported as expired") {
  TestType backend;
  auto store = backend.open();
  auto [user, created] = make_user_session(*store, "exp@test.dev");
  auto at_expiry = rotate_request(created.session, created.token, kT0 + kTokenLifetime);
  CHECK(AK_OK(store->rotate_refresh_token(at_expiry)).outcome == RotateOutcome::kExpired);

  authkit::NewSession s;
  s.id = authkit::crypto::random_uuid_v4();
  s.user_id = user.id;
  s.expires_at = kT0 + 1h;  // the session ends before its token
  s.first_token = new_token(kT0);
  s.now = kT0;
  auto bounded = AK_OK(store->create_session(s));
  CHECK(bounded.session.expires_at == kT0 + 1h);
  CHECK(AK_OK(store->rotate_refresh_token(rotate_request(bounded.session, bounded.token, kT0 + 2h)))
            .outcome == RotateOutcome::kExpired);
  CHECK(AK_OK(store->rotate_refresh_token(
                  rotate_request(bounded.session, bounded.token, kT0 + 30min)))
            .outcome == RotateOutcome::kRotated);
}

STORE_TEST("store: within the reuse grace a used parent returns its unused child") {
  TestType backend;
  auto store = backend.open();
  auto [user, created] = make_user_session(*store, "grace@test.dev");
  auto first_req = rotate_request(created.session, created.token, kT0 + 1s);
  first_req.reuse_grace = 5s;
  auto first = AK_OK(store->rotate_refresh_token(first_req));
  REQUIRE(first.outcome == RotateOutcome::kRotated);

  auto again = rotate_request(created.session, created.token, kT0 + 3s, {"tab/2", "3.3.3.3"});
  again.reuse_grace = 5s;
  auto grace = AK_OK(store->rotate_refresh_token(again));
  REQUIRE(grace.outcome == RotateOutcome::kGraceReuse);
  REQUIRE(grace.child.has_value());
  CHECK(grace.child->jti == first.child->jti);
  CHECK(grace.child->created_at == first.child->created_at);
  CHECK(grace.child->expires_at == first.child->expires_at);
  CHECK(AK_OK(store->list_refresh_tokens(created.session.id)).size() == 2);  // no fork

  // Once the child is used, the parent is a replay even within the window.
  auto child_token = *AK_OK(store->find_refresh_token(first.child->jti));
  REQUIRE(AK_OK(store->rotate_refresh_token(rotate_request(created.session, child_token, kT0 + 4s)))
              .outcome == RotateOutcome::kRotated);
  auto after = rotate_request(created.session, created.token, kT0 + 4s);
  after.reuse_grace = 5s;
  auto replay = AK_OK(store->rotate_refresh_token(after));
  CHECK(replay.outcome == RotateOutcome::kTokenNotActive);
  check_compromised_by(replay, *store, 1);
}

STORE_TEST("store: a used parent with another hash, after the grace or without one is a replay") {
  TestType backend;
  auto store = backend.open();
  struct Case {
    const char* name;
    authkit::Duration at;
    authkit::Duration grace;
    bool forged;
    RotateOutcome outcome;
  };
  const Case cases[] = {{"another hash", 3s, 5s, true, RotateOutcome::kHashMismatch},
                        {"after the grace", 7s, 5s, false, RotateOutcome::kTokenNotActive},
                        {"strict", 2s, 0s, false, RotateOutcome::kTokenNotActive}};
  int n = 0;
  for (const auto& c : cases) {
    CAPTURE(c.name);
    auto [user, created] = make_user_session(*store, "late" + std::to_string(++n) + "@test.dev");
    auto first_req = rotate_request(created.session, created.token, kT0 + 1s);
    first_req.reuse_grace = 5s;
    REQUIRE(AK_OK(store->rotate_refresh_token(first_req)).outcome == RotateOutcome::kRotated);
    auto again = rotate_request(created.session, created.token, kT0 + c.at);
    again.reuse_grace = c.grace;
    if (c.forged) again.token_hash = authkit::crypto::sha256_hex("forged");
    auto replay = AK_OK(store->rotate_refresh_token(again));
    CHECK(replay.outcome == c.outcome);
    check_compromised_by(replay, *store, 1);
  }
}

// docs/compatibility.md#atomic-compromise
STORE_TEST("store: compromise_session ends the session and revokes its tokens at once") {
  TestType backend;
  auto store = backend.open();
  auto [user, created] = make_user_session(*store, "comp@test.dev");
  auto rotated =
      AK_OK(store->rotate_refresh_token(rotate_request(created.session, created.token, kT0 + 1s)));
  REQUIRE(rotated.outcome == RotateOutcome::kRotated);

  // The replay of token#1 (the end state of docs/api.md#refresh-steps).
  auto c = AK_OK(store->compromise_session(created.session.id, created.token.id, kT0 + 2s));
  CHECK(c.session_compromised);
  CHECK(c.token_marked_reused);
  CHECK(c.tokens_revoked == 1);
  auto session = *AK_OK(store->find_session(created.session.id));
  CHECK(session.status == SessionStatus::kCompromised);
  CHECK(session.compromised_at == kT0 + 2s);
  CHECK_FALSE(session.revoked_at.has_value());
  CHECK_FALSE(session.revoke_reason.has_value());
  auto tokens = AK_OK(store->list_refresh_tokens(created.session.id));
  REQUIRE(tokens.size() == 2);
  CHECK(tokens[0].status == RefreshTokenStatus::kReused);
  CHECK(tokens[0].revoked_at == kT0 + 2s);
  CHECK(tokens[0].used_at == kT0 + 1s);
  CHECK(tokens[0].replaced_by_token_id == tokens[1].id);
  CHECK(tokens[1].status == RefreshTokenStatus::kRevoked);
  CHECK(tokens[1].parent_token_id == tokens[0].id);

  // Again: nothing left to change.
  auto twice = AK_OK(store->compromise_session(created.session.id, created.token.id, kT0 + 3s));
  CHECK_FALSE(twice.session_compromised);
  CHECK_FALSE(twice.token_marked_reused);
  CHECK(twice.tokens_revoked == 0);
  CHECK(store->find_session(created.session.id)->value().compromised_at == kT0 + 2s);
}

STORE_TEST("store: revoke_session revokes a user's session once, idempotently") {
  TestType backend;
  auto store = backend.open();
  auto user = make_user(*store, "rev@test.dev");
  auto other = make_user(*store, "rev2@test.dev");
  auto created = make_session(*store, user.id);

  auto foreign = store->revoke_session(other.id, created.session.id, kT0 + 1s);
  REQUIRE_FALSE(foreign.ok());
  CHECK(foreign.error().code == ErrorCode::kSessionNotFound);
  CHECK(foreign.error().status == 404);
  auto missing = store->revoke_session(user.id, authkit::crypto::random_uuid_v4(), kT0 + 1s);
  REQUIRE_FALSE(missing.ok());
  CHECK(missing.error().code == ErrorCode::kSessionNotFound);

  CHECK(AK_OK(store->revoke_session(user.id, created.session.id, kT0 + 2s)));
  auto session = *AK_OK(store->find_session(created.session.id));
  CHECK(session.status == SessionStatus::kRevoked);
  CHECK(session.revoked_at == kT0 + 2s);
  CHECK(session.revoke_reason == "USER_REVOKED_SESSION");
  CHECK(AK_OK(store->find_refresh_token(created.token.jti))->status ==
        RefreshTokenStatus::kRevoked);

  CHECK_FALSE(AK_OK(store->revoke_session(user.id, created.session.id, kT0 + 3s)));
  CHECK(store->find_session(created.session.id)->value().revoked_at == kT0 + 2s);

  auto compromised = make_session(*store, user.id);
  (void)AK_OK(store->compromise_session(compromised.session.id, compromised.token.id, kT0 + 4s));
  CHECK_FALSE(AK_OK(store->revoke_session(user.id, compromised.session.id, kT0 + 5s)));
  CHECK(store->find_session(compromised.session.id)->value().status == SessionStatus::kCompromised);
}

STORE_TEST("store: revoke_session_by_token logs out the token's session") {
  TestType backend;
  auto store = backend.open();
  auto [user, created] = make_user_session(*store, "logout@test.dev");
  auto other = make_session(*store, user.id);

  authkit::RevokeByTokenRequest req{created.session.id, created.token.jti, created.token.token_hash,
                                    kT0 + 1s};
  auto unknown = req;
  unknown.jti = authkit::crypto::random_uuid_v4();
  CHECK(AK_OK(store->revoke_session_by_token(unknown)).outcome == RevokeByTokenOutcome::kNotFound);
  auto mismatch = req;
  mismatch.session_id = other.session.id;
  CHECK(AK_OK(store->revoke_session_by_token(mismatch)).outcome ==
        RevokeByTokenOutcome::kSessionMismatch);
  auto forged = req;
  forged.token_hash = authkit::crypto::sha256_hex("forged");
  CHECK(AK_OK(store->revoke_session_by_token(forged)).outcome ==
        RevokeByTokenOutcome::kHashMismatch);

  auto done = AK_OK(store->revoke_session_by_token(req));
  REQUIRE(done.outcome == RevokeByTokenOutcome::kRevoked);
  REQUIRE(done.session.has_value());
  CHECK(done.session->status == SessionStatus::kRevoked);
  CHECK(done.session->revoke_reason == "USER_REVOKED_CURRENT_SESSION");
  CHECK(done.session->revoked_at == kT0 + 1s);
  REQUIRE(done.token.has_value());
  CHECK(done.token->status == RefreshTokenStatus::kRevoked);

  // A second logout: the token is no longer active, and the session shows it was a logout.
  auto twice = AK_OK(store->revoke_session_by_token(req));
  CHECK(twice.outcome == RevokeByTokenOutcome::kTokenNotActive);
  REQUIRE(twice.session.has_value());
  CHECK(twice.session->status == SessionStatus::kRevoked);
  CHECK(store->find_session(other.session.id)->value().status == SessionStatus::kActive);
}

// docs/compatibility.md#atomic-revocations
STORE_TEST("store: revoke_all_sessions revokes every active session and counts them") {
  TestType backend;
  auto store = backend.open();
  auto user = make_user(*store, "all@test.dev");
  auto bystander = make_user(*store, "by@test.dev");
  auto s1 = make_session(*store, user.id);
  auto s2 = make_session(*store, user.id);
  auto s3 = make_session(*store, user.id);
  auto theirs = make_session(*store, bystander.id);
  REQUIRE(AK_OK(store->revoke_session(user.id, s3.session.id, kT0 + 1s)));

  CHECK(AK_OK(store->revoke_all_sessions(user.id, kT0 + 2s)) == 2);
  for (const auto& s : {s1, s2}) {
    auto session = *AK_OK(store->find_session(s.session.id));
    CHECK(session.status == SessionStatus::kRevoked);
    CHECK(session.revoke_reason == "USER_REVOKED_ALL_SESSIONS");
    CHECK(session.revoked_at == kT0 + 2s);
    CHECK(AK_OK(store->find_refresh_token(s.token.jti))->status == RefreshTokenStatus::kRevoked);
  }
  CHECK(store->find_session(s3.session.id)->value().revoke_reason == "USER_REVOKED_SESSION");
  CHECK(store->find_session(theirs.session.id)->value().status == SessionStatus::kActive);
  CHECK(AK_OK(store->find_refresh_token(theirs.token.jti))->status == RefreshTokenStatus::kActive);
  CHECK(AK_OK(store->revoke_all_sessions(user.id, kT0 + 3s)) == 0);
}

// docs/compatibility.md#session-max-age
STORE_TEST("store: purge deletes what ended before the retention period") {
  TestType backend;
  auto store = backend.open();
  auto user = make_user(*store, "purge@test.dev");
  const auto day = Duration(24h);
  auto old_revoked = make_session(*store, user.id, kT0);
  REQUIRE(AK_OK(store->revoke_session(user.id, old_revoked.session.id, kT0 + 1s)));
  auto old_compromised = make_session(*store, user.id, kT0);
  (void)AK_OK(
      store->compromise_session(old_compromised.session.id, old_compromised.token.id, kT0 + 1s));
  auto recent_revoked = make_session(*store, user.id, kT0 + 10 * day);
  REQUIRE(AK_OK(store->revoke_session(user.id, recent_revoked.session.id, kT0 + 10 * day)));
  auto stale_active = make_session(*store, user.id, kT0);  // its only token expired long ago
  auto live = make_session(*store, user.id, kT0);
  // Rotate the live session late: its first token expires, its child is valid.
  auto rotated = AK_OK(store->rotate_refresh_token(
      rotate_request(live.session, live.token, kT0 + kTokenLifetime - 1s)));
  REQUIRE(rotated.outcome == RotateOutcome::kRotated);

  // Now: day 15, retention 7 days → cutoff day 8.
  auto purged = AK_OK(store->purge(kT0 + 15 * day, 7 * day));
  CHECK(purged.sessions_deleted == 3);
  CHECK(purged.tokens_deleted == 1);  // the live session's used first token
  CHECK_FALSE(AK_OK(store->find_session(old_revoked.session.id)).has_value());
  CHECK_FALSE(AK_OK(store->find_refresh_token(old_revoked.token.jti)).has_value());
  CHECK_FALSE(AK_OK(store->find_session(old_compromised.session.id)).has_value());
  CHECK_FALSE(AK_OK(store->find_session(stale_active.session.id)).has_value());
  CHECK(AK_OK(store->find_session(recent_revoked.session.id)).has_value());
  CHECK(AK_OK(store->find_session(live.session.id)).has_value());
  auto tokens = AK_OK(store->list_refresh_tokens(live.session.id));
  REQUIRE(tokens.size() == 1);
  CHECK(tokens[0].status == RefreshTokenStatus::kActive);
  CHECK_FALSE(tokens[0].parent_token_id.has_value());  // the parent row is gone
}

STORE_TEST("store: ping answers and the backend names itself") {
  TestType backend;
  auto store = backend.open();
  require_ok(store->ping(), "ping");
  CHECK_FALSE(store->backend_name().empty());
}
