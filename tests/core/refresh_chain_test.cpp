// Core: every expiry path on a fake clock, the reuse grace, and concurrent refresh storms.
#include <barrier>
#include <thread>

#include "core_fixture.hpp"
#include "forwarding_store.hpp"

using namespace authkit;
using authkit_test::Harness;
using namespace std::chrono_literals;

// docs/api.md#token-verification
CORE_TEST("core: access tokens expire at exp, with INVALID_TOKEN") {
  Harness<TestType> h;
  auto login = h.signup("access@example.com");
  h.clock->advance(899s);
  CHECK(h.bearer(login.access_token));
  h.clock->advance(1s);
  CHECK(h.bearer(login.access_token).error().code == ErrorCode::kInvalidToken);
}

// docs/compatibility.md#refresh-token-expired
CORE_TEST("core: an expired refresh token is REFRESH_TOKEN_EXPIRED, not a replay") {
  Harness<TestType> h;
  auto login = h.signup("expired@example.com");
  h.clock->advance(7 * 24h - 1s);
  auto before = h.login("expired@example.com");  // a second session, still valid afterwards
  h.clock->advance(1s);
  auto expired = h.refresh(login.refresh_token);
  REQUIRE_FALSE(expired);
  CHECK(expired.error().code == ErrorCode::kRefreshTokenExpired);
  CHECK(expired.error().status == 401);
  CHECK(h.metric("auth_api_refresh_attempts_total{outcome=\"expired\"}") == 1);
  CHECK(h.session(login.session.session.id).status == SessionStatus::kActive);
  CHECK(h.refresh(before.refresh_token));
}

// docs/api.md#refresh-steps, step 7
CORE_TEST("core: a token row past its stored expiry is REFRESH_TOKEN_EXPIRED") {
  // 1500 ms: the JWT (whole seconds, rounded up) outlives the row by half a second, which is
  // exactly when only the store's check can refuse it.
  Harness<TestType> h([](Config& c) { c.refresh_token_expires_in = 1500ms; });
  auto login = h.signup("row@example.com");
  CHECK(h.claims(login.refresh_token, TokenType::kRefresh).expires_at ==
        to_unix_seconds(authkit_test::kStart) + 2);
  h.clock->advance(1600ms);
  auto expired = h.refresh(login.refresh_token);
  REQUIRE_FALSE(expired);
  CHECK(expired.error().code == ErrorCode::kRefreshTokenExpired);
  CHECK(h.metric("auth_api_refresh_attempts_total{outcome=\"expired\"}") == 1);
  CHECK(h.session(login.session.session.id).status == SessionStatus::kActive);
}

// docs/compatibility.md#session-max-age
CORE_TEST("core: a session ends at SESSION_MAX_AGE whatever its tokens say") {
  Harness<TestType> h([](Config& c) { c.session_max_age = 1h; });
  auto login = h.signup("maxage@example.com");
  CHECK(login.session.session.expires_at == authkit_test::kStart + 1h);
  h.clock->advance(59min);
  auto refreshed = h.refresh(login.refresh_token);
  REQUIRE(refreshed);
  h.clock->advance(1min);
  CHECK(h.bearer(refreshed->access_token).error().code == ErrorCode::kSessionNotActive);
  auto me = h.service->me("Bearer " + refreshed->access_token, h.ctx());
  REQUIRE_FALSE(me);
  CHECK(me.error().code == ErrorCode::kSessionNotActive);
  auto late = h.refresh(refreshed->refresh_token);
  REQUIRE_FALSE(late);
  CHECK(late.error().code == ErrorCode::kRefreshTokenExpired);

  Harness<TestType> none([](Config& c) { c.session_max_age = Duration::zero(); });
  auto forever = none.signup("forever@example.com");
  CHECK_FALSE(forever.session.session.expires_at);
}

// docs/compatibility.md#refresh-reuse-grace
CORE_TEST("core: within the reuse grace a parent gets the very same child back") {
  Harness<TestType> h([](Config& c) { c.refresh_reuse_grace = 2000ms; });
  auto login = h.signup("grace@example.com");
  h.clock->advance(10s);
  auto first = h.refresh(login.refresh_token);
  REQUIRE(first);
  h.clock->advance(2000ms);  // the boundary is inclusive
  auto again = h.refresh(login.refresh_token);
  REQUIRE(again);
  // HS256 is deterministic: re-signed from the stored claims, string and hash are identical.
  CHECK(again->refresh_token == first->refresh_token);
  CHECK(crypto::sha256_hex(again->refresh_token) == crypto::sha256_hex(first->refresh_token));
  CHECK(again->access_token != first->access_token);
  CHECK(h.claims(again->access_token, TokenType::kAccess).issued_at ==
        to_unix_seconds(authkit_test::kStart + 12s));
  CHECK(h.tokens(login.session.session.id).size() == 2);  // the chain never forks
  CHECK(h.session(login.session.session.id).status == SessionStatus::kActive);
  CHECK(h.metric("auth_api_refresh_reuse_grace_total") == 1);
  CHECK(h.metric("auth_api_refresh_attempts_total{outcome=\"success\"}") == 2);
  CHECK(h.bearer(again->access_token));

  h.clock->advance(1ms);  // past the grace: a replay
  auto late = h.refresh(login.refresh_token);
  REQUIRE_FALSE(late);
  CHECK(late.error().code == ErrorCode::kRefreshTokenReused);
  CHECK(h.session(login.session.session.id).status == SessionStatus::kCompromised);
  authkit_test::check_invariants(*h.store, login.user.id);
}

CORE_TEST("core: once the child was used, its parent is a replay even within the grace") {
  Harness<TestType> h([](Config& c) { c.refresh_reuse_grace = 60s; });
  auto login = h.signup("used-child@example.com");
  auto child = h.refresh(login.refresh_token);
  REQUIRE(child);
  REQUIRE(h.refresh(child->refresh_token));
  auto replay = h.refresh(login.refresh_token);
  REQUIRE_FALSE(replay);
  CHECK(replay.error().code == ErrorCode::kRefreshTokenReused);
  CHECK(h.metric("auth_api_refresh_reuse_grace_total") == 0);
}

CORE_TEST("core: in strict mode a parent presented again at the same instant is a replay") {
  Harness<TestType> h;  // REFRESH_REUSE_GRACE_MS = 0
  auto login = h.signup("strict@example.com");
  REQUIRE(h.refresh(login.refresh_token));
  CHECK(h.refresh(login.refresh_token).error().code == ErrorCode::kRefreshTokenReused);
}

namespace {

// `threads` threads present `token` at once; returns the successful results.
template <class H>
std::vector<AuthResult> storm(H& h, const std::string& token, int threads, int& failures,
                              std::vector<ErrorCode>& codes) {
  std::barrier start(threads);
  std::mutex mutex;
  std::vector<AuthResult> ok;
  std::vector<std::thread> pool;
  for (int i = 0; i < threads; ++i) {
    pool.emplace_back([&] {
      start.arrive_and_wait();
      auto r = h.refresh(token);
      const std::lock_guard lock(mutex);
      if (r) {
        ok.push_back(std::move(*r));
      } else {
        ++failures;
        codes.push_back(r.error().code);
      }
    });
  }
  for (auto& t : pool) t.join();
  return ok;
}

}  // namespace

// docs/compatibility.md#refresh-reuse-grace (the strict default)
CORE_TEST("core: a strict refresh storm has one winner and a compromised session") {
  Harness<TestType> h;
  auto login = h.signup("storm@example.com");
  int failures = 0;
  std::vector<ErrorCode> codes;
  auto ok = storm(h, login.refresh_token, 8, failures, codes);
  CHECK(ok.size() == 1);
  CHECK(failures == 7);
  for (auto c : codes) {
    // Losers of the race see the consumed token (a replay) or, once compromised, the session.
    CHECK((c == ErrorCode::kRefreshTokenReused || c == ErrorCode::kSessionCompromised));
  }
  CHECK(h.session(login.session.session.id).status == SessionStatus::kCompromised);
  authkit_test::check_invariants(*h.store, login.user.id);
  CHECK(h.metric("auth_api_refresh_attempts_total{outcome=\"success\"}") == 1);
  CHECK(h.metric("auth_api_refresh_replay_detections_total") >= 1);
}

CORE_TEST("core: a refresh storm within the grace gets one child for everyone") {
  Harness<TestType> h([](Config& c) { c.refresh_reuse_grace = 5s; });
  auto login = h.signup("grace-storm@example.com");
  int failures = 0;
  std::vector<ErrorCode> codes;
  auto ok = storm(h, login.refresh_token, 8, failures, codes);
  CHECK(failures == 0);
  REQUIRE(ok.size() == 8);
  for (const auto& r : ok) CHECK(r.refresh_token == ok[0].refresh_token);
  CHECK(h.session(login.session.session.id).status == SessionStatus::kActive);
  CHECK(h.tokens(login.session.session.id).size() == 2);
  authkit_test::check_invariants(*h.store, login.user.id);
  CHECK(h.metric("auth_api_refresh_reuse_grace_total") == 7);
  CHECK(h.metric("auth_api_refresh_attempts_total{outcome=\"success\"}") == 8);
  CHECK(h.refresh(ok[0].refresh_token));
}

// docs/compatibility.md#session-max-age
CORE_TEST("core: purge deletes what ended before the retention") {
  Harness<TestType> h([](Config& c) { c.purge_retention = 24h; });
  auto login = h.signup("purge@example.com");
  auto keep = h.login("purge@example.com");
  REQUIRE(h.service->revoke_current({login.refresh_token}, h.ctx()));
  h.clock->advance(25h);
  auto purged = h.service->purge();
  REQUIRE(purged);
  CHECK(purged->sessions_deleted == 1);
  auto gone = h.store->find_session(login.session.session.id);
  REQUIRE(gone);
  CHECK_FALSE(*gone);
  CHECK(h.refresh(keep.refresh_token));
}

namespace {

// A store of the embedding program's that does not return the session's user with a rotation
// (RotateResult::user is optional: the library's own stores fill it in the same round trip).
class UserlessRotationStore final : public authkit_test::ForwardingStore {
 public:
  using ForwardingStore::ForwardingStore;
  Result<RotateResult> rotate_refresh_token(const RotateRequest& r) override {
    auto result = ForwardingStore::rotate_refresh_token(r);
    if (result) result->user.reset();
    return result;
  }
};

}  // namespace

CORE_TEST("core: a store that returns no user with the rotation still refreshes") {
  Harness<TestType> h;
  auto login = h.signup("userless@example.com");
  ServiceDependencies deps;
  deps.store = std::make_shared<UserlessRotationStore>(h.store);
  deps.clock = h.clock;
  auto service = AuthService::create(h.config, std::move(deps));
  REQUIRE(service);
  auto refreshed = (*service)->refresh(RefreshTokenInput{login.refresh_token},
                                       RequestContext{{"spec-agent/1.0", "127.0.0.1"}, "corr-1"});
  REQUIRE(refreshed);
  CHECK(refreshed->user.email == "userless@example.com");
  CHECK(refreshed->refresh_token != login.refresh_token);
}

namespace {

// Counts compromise_session calls; with `leave_compromise` it hides the compromise the inner
// store made with a replayed rotation, as a store of the embedding program's may.
class CompromiseCountingStore final : public authkit_test::ForwardingStore {
 public:
  CompromiseCountingStore(std::shared_ptr<Store> inner, bool leave_compromise)
      : ForwardingStore(std::move(inner)), leave_compromise_(leave_compromise) {}
  Result<RotateResult> rotate_refresh_token(const RotateRequest& r) override {
    auto result = ForwardingStore::rotate_refresh_token(r);
    if (result && leave_compromise_) result->compromised.reset();
    return result;
  }
  Result<CompromiseResult> compromise_session(std::string_view session_id,
                                              std::string_view token_id, TimePoint now) override {
    ++compromise_calls;
    return ForwardingStore::compromise_session(session_id, token_id, now);
  }
  int compromise_calls = 0;

 private:
  bool leave_compromise_;
};

}  // namespace

CORE_TEST("core: a replay is compromised by the rotation itself, or by the service after it") {
  for (const bool leave_compromise : {false, true}) {
    CAPTURE(leave_compromise);
    Harness<TestType> h;
    auto login = h.signup("replayed@example.com");
    auto store = std::make_shared<CompromiseCountingStore>(h.store, leave_compromise);
    ServiceDependencies deps;
    deps.store = store;
    deps.clock = h.clock;
    auto service = AuthService::create(h.config, std::move(deps));
    REQUIRE(service);
    const RequestContext ctx{{"spec-agent/1.0", "127.0.0.1"}, "corr-1"};
    REQUIRE((*service)->refresh(RefreshTokenInput{login.refresh_token}, ctx));
    auto replayed = (*service)->refresh(RefreshTokenInput{login.refresh_token}, ctx);
    REQUIRE_FALSE(replayed);
    CHECK(replayed.error().code == ErrorCode::kRefreshTokenReused);
    // The built-in store compromised the session with the rotation: no second call.
    CHECK(store->compromise_calls == (leave_compromise ? 1 : 0));
    auto session = h.store->find_session(login.session.session.id);
    REQUIRE(session);
    REQUIRE(*session);
    CHECK((*session)->status == SessionStatus::kCompromised);
  }
}
