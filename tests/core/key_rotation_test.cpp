// Core: a key rotation between two services on one database (docs/configuration.md#key-rotation):
// nobody is logged out, and the reuse grace still hands out the identical child.
#include "core_fixture.hpp"

using namespace authkit;
using authkit_test::Harness;
using namespace std::chrono_literals;

namespace {

const std::string kNewAccess = "rotated-access-secret-0123456789abcd";
const std::string kNewRefresh = "rotated-refresh-secret-0123456789abc";

// The harness's configuration rotated: new active secrets with kids, the old ones verify-only
// (the original's tokens carry no kid, so the old keys are the kid-less ones).
Config rotated(const Config& before) {
  Config c = before;
  c.access_token_secret = kNewAccess;
  c.access_token_key_id = "a2";
  c.access_token_verify_secrets = {{"", before.access_token_secret}};
  c.refresh_token_secret = kNewRefresh;
  c.refresh_token_key_id = "r2";
  c.refresh_token_verify_secrets = {{"", before.refresh_token_secret}};
  return c;
}

// A second service on the harness's store and clock, as another node restarted with `config`.
template <class Backend>
std::unique_ptr<AuthService> node(Harness<Backend>& h, Config config) {
  ServiceDependencies deps;
  deps.store = h.store;
  deps.clock = h.clock;
  deps.password_hasher = h.hasher;
  auto created = AuthService::create(std::move(config), std::move(deps));
  if (!created) FAIL("AuthService::create: " << created.error().diagnostic);
  return std::move(*created);
}

std::string header_of(const std::string& token) {
  return crypto::base64url_decode(token.substr(0, token.find('.'))).value();
}

}  // namespace

CORE_TEST("core: after a rotation the old tokens keep working and new ones carry the kid") {
  Harness<TestType> h;
  auto login = h.signup("rotation@example.com");
  auto next = node(h, rotated(h.config));
  const auto ctx = Harness<TestType>::ctx();

  CHECK(next->authenticate("Bearer " + login.access_token, ctx));
  auto refreshed = next->refresh(RefreshTokenInput{login.refresh_token}, ctx);
  REQUIRE(refreshed);
  CHECK(header_of(refreshed->access_token) == R"({"alg":"HS256","typ":"JWT","kid":"a2"})");
  CHECK(header_of(refreshed->refresh_token) == R"({"alg":"HS256","typ":"JWT","kid":"r2"})");
  CHECK(next->authenticate("Bearer " + refreshed->access_token, ctx));
  // The old key retired: what it signed no longer verifies, what the new one signed does.
  Config retired = rotated(h.config);
  retired.access_token_verify_secrets.clear();
  retired.refresh_token_verify_secrets.clear();
  auto last = node(h, retired);
  CHECK(last->authenticate("Bearer " + login.access_token, ctx).error().code ==
        ErrorCode::kInvalidToken);
  CHECK(last->authenticate("Bearer " + refreshed->access_token, ctx));
  CHECK(last->refresh(RefreshTokenInput{refreshed->refresh_token}, ctx));
}

// docs/compatibility.md#refresh-reuse-grace
CORE_TEST("core: a rotation inside the reuse grace still returns the identical child") {
  Harness<TestType> h([](Config& c) { c.refresh_reuse_grace = 5000ms; });
  auto login = h.signup("rotation-grace@example.com");
  h.clock->advance(1s);
  auto first = h.refresh(login.refresh_token);  // the child, signed by the old refresh key
  REQUIRE(first);
  CHECK(header_of(first->refresh_token) == R"({"alg":"HS256","typ":"JWT"})");

  auto next = node(h, rotated(h.config));
  h.clock->advance(2s);
  auto again = next->refresh(RefreshTokenInput{login.refresh_token}, Harness<TestType>::ctx());
  REQUIRE(again);
  CHECK(again->refresh_token == first->refresh_token);
  CHECK(header_of(again->access_token) == R"({"alg":"HS256","typ":"JWT","kid":"a2"})");
  CHECK(h.session(login.session.session.id).status == SessionStatus::kActive);
  CHECK(h.tokens(login.session.session.id).size() == 2);

  // The child goes on under the new key.
  auto third = next->refresh(RefreshTokenInput{first->refresh_token}, Harness<TestType>::ctx());
  REQUIRE(third);
  CHECK(header_of(third->refresh_token) == R"({"alg":"HS256","typ":"JWT","kid":"r2"})");
  authkit_test::check_invariants(*h.store, login.user.id);
}
