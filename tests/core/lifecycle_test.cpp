// Core: the behaviour checklist (docs/api.md#behaviour-checklist, items 1–9, 15) through
// AuthService.
#include <thread>
#include <type_traits>

#include "authkit/backends.hpp"
#include "authkit/bearer.hpp"
#include "core_fixture.hpp"

using namespace authkit;
using authkit_test::Harness;

namespace {

// Whether values of T carry a password hash. The users of results are UserProfiles, which have
// none: no code path can forget to clear it.
template <class T>
concept HasPasswordHash = requires(const T& value) {
  value.password_hash;
};

static_assert(HasPasswordHash<User>);  // the store's row has one, so the check can fail

}  // namespace
using namespace std::chrono_literals;

CORE_TEST("core: register normalises, login issues a pair, me answers (checklist 1, 15)") {
  Harness<TestType> h;
  auto user = h.service->register_user_json(
      R"({"name":"  Gabri ","email":"  Gabri@Test.DEV ","password":"strong-pass-123"})", h.ctx());
  REQUIRE(user);
  CHECK(user->email == "gabri@test.dev");
  CHECK(user->name == "Gabri");
  CHECK(user->id > 0);
  CHECK(user->created_at == authkit_test::kStart);
  static_assert(!HasPasswordHash<std::remove_cvref_t<decltype(*user)>>);
  REQUIRE(h.audit->named("auth.user.registered").size() == 1);
  CHECK(h.audit->named("auth.user.registered")[0].fields ==
        LogFields{{"userId", std::int64_t{user->id}}});
  CHECK(h.audit->named("auth.user.registered")[0].correlation_id == "corr-1");

  auto login = h.service->create_session({"GABRI@test.dev", "strong-pass-123"}, h.ctx());
  REQUIRE(login);
  CHECK_FALSE(login->access_token.empty());
  CHECK_FALSE(login->refresh_token.empty());
  CHECK(login->session.current);
  CHECK(login->session.session.status == SessionStatus::kActive);
  CHECK(login->session.session.last_seen_from.user_agent == "spec-agent/1.0");
  CHECK(login->session.session.last_seen_from.ip_address == "::ffff:127.0.0.1");
  CHECK(login->session.session.expires_at == authkit_test::kStart + h.config.session_max_age);
  CHECK(login->user.email == "gabri@test.dev");

  // docs/api.md#token-claims: same sid and iat, independent jtis, exp from the one parsed
  // lifetime (docs/compatibility.md#one-parsed-lifetime).
  const Claims access = h.claims(login->access_token, TokenType::kAccess);
  const Claims refresh = h.claims(login->refresh_token, TokenType::kRefresh);
  CHECK(access.session_id == login->session.session.id);
  CHECK(refresh.session_id == access.session_id);
  CHECK(access.issued_at == refresh.issued_at);
  CHECK(access.issued_at == to_unix_seconds(authkit_test::kStart));
  CHECK(access.expires_at == access.issued_at + 900);
  CHECK(refresh.expires_at == refresh.issued_at + 604800);
  CHECK(access.jwt_id != refresh.jwt_id);
  CHECK(access.subject == std::to_string(user->id));
  auto stored = h.tokens(login->session.session.id);
  REQUIRE(stored.size() == 1);
  CHECK(stored[0].jti == refresh.jwt_id);
  CHECK(stored[0].token_hash == crypto::sha256_hex(login->refresh_token));
  CHECK(stored[0].expires_at == authkit_test::kStart + 7 * 24h);

  auto principal = h.bearer(login->access_token);
  REQUIRE(principal);
  CHECK(*principal == Principal{user->id, login->session.session.id, access.jwt_id});
  auto me = h.service->me(*principal, h.ctx());
  REQUIRE(me);
  CHECK(me->user.email == "gabri@test.dev");
  CHECK(me->session.current);
  CHECK(me->session.session.id == login->session.session.id);

  CHECK(h.metric("auth_api_login_attempts_total{outcome=\"success\"}") == 1);
  const auto succeeded = h.audit->named("auth.login.succeeded");
  REQUIRE(succeeded.size() == 1);
  CHECK(succeeded[0].fields ==
        LogFields{{"userId", std::int64_t{user->id}}, {"sessionId", login->session.session.id}});
  // No token or password ever reaches an audit event.
  const std::string audit_text = h.audit->all_text();
  CHECK(audit_text.find(login->access_token) == std::string::npos);
  CHECK(audit_text.find(login->refresh_token) == std::string::npos);
  CHECK(audit_text.find("strong-pass-123") == std::string::npos);
}

CORE_TEST("core: a taken e-mail is 409 before any hashing, also concurrently (checklist 8)") {
  Harness<TestType> h;
  REQUIRE(h.service->register_user({"First", "dup@example.com", "strong-pass-123"}, h.ctx()));
  h.hasher->reset();
  auto again = h.service->register_user({"Second", " DUP@example.com", "other-pass-456"}, h.ctx());
  REQUIRE_FALSE(again);
  CHECK(again.error().code == ErrorCode::kUserAlreadyExists);
  CHECK(again.error().status == 409);
  CHECK(h.hasher->hashes() == 0);

  // Four parallel registrations of one new address: one 201, three 409, never a 500
  // (docs/compatibility.md#concurrent-registration).
  std::vector<std::thread> threads;
  std::atomic<int> created{0};
  std::atomic<int> conflicts{0};
  for (int i = 0; i < 4; ++i) {
    threads.emplace_back([&] {
      auto r = h.service->register_user({"Racer", "race@example.com", "strong-pass-123"}, h.ctx());
      if (r) {
        ++created;
      } else if (r.error().code == ErrorCode::kUserAlreadyExists) {
        ++conflicts;
      }
    });
  }
  for (auto& t : threads) t.join();
  CHECK(created == 1);
  CHECK(conflicts == 3);
}

CORE_TEST("core: refresh rotates, a replay compromises the whole session (checklist 2, 6)") {
  Harness<TestType> h;
  auto login = h.signup("replay@example.com");
  const std::string sid = login.session.session.id;
  h.clock->advance(5s);
  const RequestContext second{{"other-agent/2.0", "10.0.0.2"}, "corr-2"};
  auto rotated = h.refresh(login.refresh_token, second);
  REQUIRE(rotated);
  CHECK(rotated->refresh_token != login.refresh_token);
  CHECK(rotated->session.current);
  CHECK(rotated->session.session.last_seen_at == authkit_test::kStart + 5s);
  CHECK(rotated->session.session.last_seen_from.user_agent == "other-agent/2.0");
  CHECK(rotated->session.session.created_from.user_agent == "spec-agent/1.0");
  CHECK(rotated->user.email == "replay@example.com");
  CHECK(h.bearer(rotated->access_token));

  auto replay = h.refresh(login.refresh_token);
  REQUIRE_FALSE(replay);
  CHECK(replay.error().code == ErrorCode::kRefreshTokenReused);
  CHECK(replay.error().status == 401);

  // Every token of the session is dead now.
  CHECK(h.bearer(login.access_token).error().code == ErrorCode::kSessionNotActive);
  CHECK(h.bearer(rotated->access_token).error().code == ErrorCode::kSessionNotActive);
  CHECK(h.refresh(rotated->refresh_token).error().code == ErrorCode::kSessionCompromised);
  CHECK(h.refresh(login.refresh_token).error().code == ErrorCode::kSessionCompromised);

  // The database state the original leaves (docs/api.md#refresh-steps), but reached atomically
  // (docs/compatibility.md#atomic-compromise).
  const auto session = h.session(sid);
  CHECK(session.status == SessionStatus::kCompromised);
  CHECK(session.compromised_at == authkit_test::kStart + 5s);
  CHECK_FALSE(session.revoked_at);
  CHECK_FALSE(session.revoke_reason);
  const auto tokens = h.tokens(sid);
  REQUIRE(tokens.size() == 2);
  CHECK(tokens[0].status == RefreshTokenStatus::kReused);
  CHECK(tokens[0].replaced_by_token_id == tokens[1].id);
  CHECK(tokens[1].status == RefreshTokenStatus::kRevoked);
  CHECK(tokens[1].parent_token_id == tokens[0].id);
  authkit_test::check_invariants(*h.store, login.user.id);

  CHECK(h.metric("auth_api_refresh_attempts_total{outcome=\"success\"}") == 1);
  CHECK(h.metric("auth_api_refresh_attempts_total{outcome=\"replay_detected\"}") == 1);
  CHECK(h.metric("auth_api_refresh_attempts_total{outcome=\"session_compromised\"}") == 2);
  CHECK(h.metric("auth_api_refresh_replay_detections_total") == 1);
  const auto reuse = h.audit->named("auth.refresh.reuse_detected");
  REQUIRE(reuse.size() == 1);
  CHECK(reuse[0].fields == LogFields{{"sessionId", sid}, {"tokenId", tokens[0].id}});
  const auto refreshed = h.audit->named("auth.refresh.succeeded");
  REQUIRE(refreshed.size() == 1);
  CHECK(refreshed[0].fields ==
        LogFields{{"userId", std::int64_t{login.user.id}}, {"sessionId", sid}});
  CHECK(refreshed[0].correlation_id == "corr-2");
}

CORE_TEST("core: the loser of a consume race changes no activity (checklist 7)") {
  Harness<TestType> h;
  auto login = h.signup("race@example.com");
  const RequestContext winner{{"winner/1", "10.0.0.1"}, "w"};
  const RequestContext loser{{"loser/1", "10.0.0.9"}, "l"};
  h.clock->advance(1s);
  REQUIRE(h.refresh(login.refresh_token, winner));
  h.clock->advance(1s);
  auto lost = h.refresh(login.refresh_token, loser);
  REQUIRE_FALSE(lost);
  CHECK(lost.error().code == ErrorCode::kRefreshTokenReused);
  const auto session = h.session(login.session.session.id);
  CHECK(session.status == SessionStatus::kCompromised);
  CHECK(session.last_seen_from.user_agent == "winner/1");
  CHECK(session.last_seen_at == authkit_test::kStart + 1s);
}

CORE_TEST("core: sessions are listed with `current`, one can be revoked (checklist 3)") {
  Harness<TestType> h;
  auto first = h.signup("two@example.com");
  h.clock->advance(1s);
  auto second = h.login("two@example.com");
  auto principal = h.bearer(second.access_token);
  REQUIRE(principal);

  auto list = h.service->list_sessions(*principal, h.ctx());
  REQUIRE(list);
  REQUIRE(list->size() == 2);
  CHECK((*list)[0].session.id == second.session.session.id);  // newest first
  CHECK((*list)[0].current);
  CHECK((*list)[1].session.id == first.session.session.id);
  CHECK_FALSE((*list)[1].current);

  REQUIRE(h.service->revoke_session(*principal, first.session.session.id, h.ctx()));
  CHECK(h.bearer(first.access_token).error().code == ErrorCode::kSessionNotActive);
  CHECK(h.bearer(second.access_token));
  const auto revoked = h.session(first.session.session.id);
  CHECK(revoked.status == SessionStatus::kRevoked);
  CHECK(revoked.revoke_reason == std::string(revoke_reason::kUserRevokedSession));
  // Idempotent, and audited each time (as the original).
  h.clock->advance(1s);
  REQUIRE(h.service->revoke_session(*principal, first.session.session.id, h.ctx()));
  CHECK(h.session(first.session.session.id).revoked_at == revoked.revoked_at);
  CHECK(h.audit->named("auth.session.revoked").size() == 2);
  CHECK(
      h.audit->named("auth.session.revoked")[0].fields ==
      LogFields{{"userId", std::int64_t{first.user.id}}, {"sessionId", first.session.session.id}});
  // Its refresh token is dead without a replay signal.
  CHECK(h.refresh(first.refresh_token).error().code == ErrorCode::kSessionRevoked);
  CHECK(h.metric("auth_api_refresh_attempts_total{outcome=\"session_revoked\"}") == 1);

  auto unknown = h.service->revoke_session(*principal, crypto::random_uuid_v4(), h.ctx());
  REQUIRE_FALSE(unknown);
  CHECK(unknown.error().code == ErrorCode::kSessionNotFound);
  CHECK(unknown.error().status == 404);
  auto bad = h.service->revoke_session(*principal, "not-a-uuid", h.ctx());
  REQUIRE_FALSE(bad);
  CHECK(bad.error().code == ErrorCode::kInvalidPayload);
  CHECK(bad.error().status == 400);
  CHECK(bad.error().details ==
        std::vector<ErrorDetail>{{"sessionId", "sessionId must be a valid uuid"}});
  // Someone else's session is not found either.
  auto other = h.signup("other@example.com");
  auto foreign = h.service->revoke_session(*principal, other.session.session.id, h.ctx());
  REQUIRE_FALSE(foreign);
  CHECK(foreign.error().status == 404);
  CHECK(h.bearer(other.access_token));
}

// docs/compatibility.md#atomic-revocations
CORE_TEST("core: revoke all ends every session and counts those it ended (checklist 4)") {
  Harness<TestType> h;
  auto a = h.signup("all@example.com");
  auto b = h.login("all@example.com");
  auto c = h.login("all@example.com");
  auto principal_c = h.bearer(c.access_token);
  REQUIRE(principal_c);
  REQUIRE(h.service->revoke_session(*principal_c, a.session.session.id, h.ctx()));

  auto count = h.service->revoke_all_sessions(*principal_c, h.ctx());
  REQUIRE(count);
  CHECK(*count == 2);  // b and c; a had already ended
  CHECK(h.bearer(b.access_token).error().code == ErrorCode::kSessionNotActive);
  CHECK(h.bearer(c.access_token).error().code == ErrorCode::kSessionNotActive);
  const auto all = h.audit->named("auth.session.revoked_all");
  REQUIRE(all.size() == 1);
  CHECK(all[0].fields ==
        LogFields{{"userId", std::int64_t{a.user.id}}, {"affectedSessions", std::int64_t{2}}});
  CHECK(h.session(b.session.session.id).revoke_reason ==
        std::string(revoke_reason::kUserRevokedAllSessions));
  authkit_test::check_invariants(*h.store, a.user.id);
}

// docs/compatibility.md#logout-ended-session
CORE_TEST("core: logout ends the session, a second logout is not a replay (checklist 5)") {
  Harness<TestType> h;
  auto login = h.signup("logout@example.com");
  REQUIRE(h.service->revoke_current_json(R"({"refreshToken":"  )" + login.refresh_token + R"(  "})",
                                         h.ctx()));
  CHECK(h.bearer(login.access_token).error().code == ErrorCode::kSessionNotActive);
  const auto session = h.session(login.session.session.id);
  CHECK(session.status == SessionStatus::kRevoked);
  CHECK(session.revoke_reason == std::string(revoke_reason::kUserRevokedCurrentSession));
  const auto audited = h.audit->named("auth.session.revoked_current");
  REQUIRE(audited.size() == 1);
  CHECK(audited[0].fields == LogFields{{"userId", std::int64_t{login.user.id}},
                                       {"sessionId", login.session.session.id}});

  // Twice: 204 again, no replay signals (the original answered REFRESH_TOKEN_REUSED).
  REQUIRE(h.service->revoke_current({login.refresh_token}, h.ctx()));
  CHECK(h.audit->named("auth.refresh.reuse_detected").empty());
  CHECK(h.metric("auth_api_refresh_replay_detections_total") == 0);
  CHECK(h.session(login.session.session.id).status == SessionStatus::kRevoked);

  // Logout of a session revoked elsewhere: also 204.
  auto other = h.login("logout@example.com");
  auto principal = h.bearer(other.access_token);
  REQUIRE(principal);
  REQUIRE(h.service->revoke_all_sessions(*principal, h.ctx()));
  REQUIRE(h.service->revoke_current({other.refresh_token}, h.ctx()));

  // A used token of a still ACTIVE session is a replay, as in the original.
  auto third = h.login("logout@example.com");
  REQUIRE(h.refresh(third.refresh_token));
  auto replay = h.service->revoke_current({third.refresh_token}, h.ctx());
  REQUIRE_FALSE(replay);
  CHECK(replay.error().code == ErrorCode::kRefreshTokenReused);
  CHECK(h.session(third.session.session.id).status == SessionStatus::kCompromised);
  CHECK(h.metric("auth_api_refresh_attempts_total{outcome=\"replay_detected\"}") == 1);

  auto garbage = h.service->revoke_current({"not-a-jwt"}, h.ctx());
  REQUIRE_FALSE(garbage);
  CHECK(garbage.error().code == ErrorCode::kInvalidToken);
}

CORE_TEST("core: the auth middleware's answers (checklist 9, 15)") {
  Harness<TestType> h;
  auto login = h.signup("mw@example.com");
  const auto ctx = h.ctx();
  // GET /v1/auth/me's one-read path (and the C ABI's, from a bare token) must answer exactly as
  // the middleware does.
  const auto code = [&](std::string_view header) {
    auto r = h.service->authenticate(header, ctx);
    auto me = h.service->me(header, ctx);
    if (r.ok() != me.ok()) return std::string("authenticate and me disagree");
    if (const auto token = extract_bearer_token(header)) {
      auto by_token = h.service->me_token(*token, ctx);
      if (by_token.ok() != me.ok()) return std::string("me and me_token disagree");
      if (!by_token) CHECK(by_token.error().code == me.error().code);
      if (by_token) CHECK(by_token->session.session.id == me->session.session.id);
    }
    if (!r) {
      CHECK(std::string(to_string(me.error().code)) == std::string(to_string(r.error().code)));
      CHECK(me.error().status == r.error().status);
      return std::string(to_string(r.error().code));
    }
    CHECK(me->user.id == r->user_id);
    static_assert(!HasPasswordHash<decltype(me->user)>);
    CHECK(me->session.session.id == r->session_id);
    CHECK(me->session.current);
    return std::string("OK");
  };
  CHECK(code("") == "AUTHORIZATION_REQUIRED");
  CHECK(code("  \t ") == "AUTHORIZATION_REQUIRED");
  CHECK(code("Basic abc") == "INVALID_AUTHORIZATION_HEADER");
  CHECK(code("Bearer") == "INVALID_AUTHORIZATION_HEADER");
  CHECK(code("Bearer\t" + login.access_token) == "INVALID_AUTHORIZATION_HEADER");
  CHECK(code("Bearer    ") == "INVALID_AUTHORIZATION_HEADER");
  CHECK(code("Bearer a b") == "INVALID_TOKEN");
  CHECK(code("   bearer     " + login.access_token + "   ") == "OK");
  CHECK(code("BEARER " + login.access_token) == "OK");
  CHECK(code("Bearer " + login.refresh_token) == "INVALID_TOKEN");  // a refresh token as bearer
  CHECK(h.service->authenticate("Bearer x", ctx).error().status == 401);

  // A well-signed token whose session is unknown, or belongs to another user.
  auto codec = make_token_codec(h.config);
  REQUIRE(codec);
  Claims forged = h.claims(login.access_token, TokenType::kAccess);
  forged.session_id = crypto::random_uuid_v4();
  CHECK(code("Bearer " + *codec->issue(forged)) == "SESSION_NOT_FOUND");
  forged = h.claims(login.access_token, TokenType::kAccess);
  forged.subject = std::to_string(login.user.id + 1);
  auto not_owner = h.service->authenticate_token(*codec->issue(forged), ctx);
  REQUIRE_FALSE(not_owner);
  CHECK(not_owner.error().code == ErrorCode::kSessionNotFound);
  CHECK(not_owner.error().status == 401);
  forged.subject = "99999999999999999999999";  // digits, but no user id fits
  CHECK(code("Bearer " + *codec->issue(forged)) == "INVALID_TOKEN");

  auto principal = h.bearer(login.access_token);
  REQUIRE(principal);
  REQUIRE(h.service->revoke_session(*principal, login.session.session.id, ctx));
  CHECK(code("Bearer " + login.access_token) == "SESSION_NOT_ACTIVE");
}

CORE_TEST("core: an Authorization value with a byte outside visible ASCII is INVALID_TOKEN") {
  Harness<TestType> h;
  auto login = h.signup("bytes@example.com");
  const auto ctx = h.ctx();
  const std::string token = login.access_token;
  const auto code = [&](const std::string& header) {
    auto r = h.service->authenticate(header, ctx);
    auto me = h.service->me(header, ctx);
    REQUIRE(r.ok() == me.ok());
    if (r) return std::string("OK");
    CHECK(me.error().code == r.error().code);
    CHECK(r.error().status == 401);
    // The value holds a credential: no part of it is in the diagnostic.
    CHECK(r.error().diagnostic.find(token.substr(0, 20)) == std::string::npos);
    return std::string(to_string(r.error().code));
  };
  REQUIRE(code("Bearer " + token) == "OK");
  CHECK(code("Bearer\t" + token) == "INVALID_AUTHORIZATION_HEADER");  // HTAB: the contract's rule
  for (int byte = 0; byte < 0x100; ++byte) {
    if (byte == '\t' || (byte >= 0x20 && byte <= 0x7E)) continue;
    const std::string b(1, static_cast<char>(byte));
    CAPTURE(byte);
    CHECK(code("Bearer " + token + b) == "INVALID_TOKEN");  // a valid token, then the byte
    CHECK(code("Bearer " + token + b + "junk") == "INVALID_TOKEN");
    CHECK(code("Bearer " + b + token) == "INVALID_TOKEN");
    CHECK(code(b + "Bearer " + token) == "INVALID_TOKEN");
    CHECK(code("Bear" + b + "er " + token) == "INVALID_TOKEN");
    CHECK(code("Basic" + b) == "INVALID_TOKEN");
  }
  // JavaScript's trim would strip these around a valid token; the byte rule refuses them first.
  for (const char* around : {"\v", "\f", "\xC2\xA0", "\xEF\xBB\xBF", "\xE3\x80\x80"}) {
    CAPTURE(around);
    CHECK(code(std::string("Bearer ") + token + around) == "INVALID_TOKEN");
    CHECK(code(std::string(around) + "Bearer " + token) == "INVALID_TOKEN");
  }
  CHECK(code("  \t Bearer " + token + " \t ") == "OK");  // SP and HTAB around stay allowed
  CHECK(code("Bearer " + token) == "OK");                // and nothing was changed
}

// docs/api.md#processing-order, docs/api.md#validation
CORE_TEST("core: typed and JSON inputs are validated after the rate limit") {
  Harness<TestType> h;
  auto bad = h.service->register_user({"A", "not-an-email", "short"}, h.ctx());
  REQUIRE_FALSE(bad);
  CHECK(bad.error().code == ErrorCode::kInvalidPayload);
  CHECK(bad.error().details ==
        std::vector<ErrorDetail>{{"name", "name must have at least 2 characters"},
                                 {"email", "email must be a valid email"},
                                 {"password", "password must have at least 8 characters"}});
  auto no_body = h.service->create_session_json(std::nullopt, h.ctx());
  REQUIRE_FALSE(no_body);
  CHECK(no_body.error().details ==
        std::vector<ErrorDetail>{{"body", "Invalid input: expected object, received undefined"}});
  auto blank = h.service->refresh_json(R"({"refreshToken":"   "})", h.ctx());
  REQUIRE_FALSE(blank);
  CHECK(blank.error().details ==
        std::vector<ErrorDetail>{{"refreshToken", "refreshToken is required"}});
  CHECK(h.hasher->hashes() == 0);
  CHECK(h.hasher->verified_parameters().empty());
}
