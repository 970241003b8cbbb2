// The original service's own tokens (tests/data/original-tokens.json) on a target that
// `authkit-server import-original` filled: test_import_original.py imports its generated source
// (which holds the known-answer user, session and refresh token) and runs this binary with
// AUTHKIT_IMPORT_DATABASE_URL naming the target. The tokens expired days after they were issued,
// so the service runs on a clock standing one minute after their `iat`.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <string>

#include "authkit/auth_service.hpp"
#include "authkit/clock.hpp"
#include "config_from_vars.hpp"
#include "test_data.hpp"

namespace {

std::string describe(const authkit::Error& error) {
  return std::string(authkit::to_string(error.code)) + ": " + error.message + " (" +
         error.diagnostic + ")";
}

// The imported target; a run without one fails rather than passing having checked nothing.
std::string imported_database_url() {
  const char* url = std::getenv("AUTHKIT_IMPORT_DATABASE_URL");
  if (url == nullptr || *url == '\0') {
    FAIL("AUTHKIT_IMPORT_DATABASE_URL must name a target import-original filled");
  }
  return url;
}

// The stored password hash of `id`.
std::string stored_hash(authkit::AuthService& service, authkit::UserId id) {
  auto user = service.store().find_user_by_id(id);
  if (!user) FAIL("find_user_by_id: " << describe(user.error()));
  if (!*user) FAIL("user " << id << " is not in the target");
  return (*user)->password_hash;
}

}  // namespace

TEST_CASE("The original's known-answer tokens and password work on an imported target") {
  const auto kat = authkit::testing::load_test_json("original-tokens.json");
  const auto claims = nlohmann::json::parse(kat["refreshTokenPayload"].get<std::string>());
  const auto iat = claims["iat"].get<std::int64_t>();
  const auto session_id = claims["sid"].get<std::string>();
  const authkit::UserId user_id = kat["user"]["id"].get<authkit::UserId>();
  const auto access_token = kat["accessToken"].get<std::string>();
  const auto refresh_token = kat["refreshToken"].get<std::string>();

  // The original's configuration (its secrets, issuer, audience, lifetimes), the default
  // password algorithm (Argon2id) at its cheapest cost.
  authkit_test::ConfigVars vars{{"DATABASE_URL", imported_database_url()},
                                {"ARGON2_OPSLIMIT", "1"},
                                {"ARGON2_MEMLIMIT", "8192"}};
  for (const auto& [name, value] : kat["config"].items()) vars[name] = value.get<std::string>();
  auto config = authkit_test::config_from_vars(vars);
  if (!config) FAIL("configuration: " << describe(config.error()));
  authkit::ServiceDependencies deps;
  deps.clock =
      std::make_shared<authkit::ManualClock>(authkit::TimePoint{std::chrono::seconds{iat + 60}});
  auto opened = authkit::AuthService::open(*config, deps);
  if (!opened) FAIL("AuthService::open: " << describe(opened.error()));
  auto& service = **opened;
  const authkit::RequestContext ctx{{"kat/1.0", "127.0.0.1"}, "import-kat"};

  // The bcrypt hash came over as it was (compared without printing it).
  const bool bcrypt_kept =
      stored_hash(service, user_id) == kat["passwordHashBcrypt"].get<std::string>();
  CHECK(bcrypt_kept);

  // The access token finds its user and session.
  auto me = service.me_token(access_token, ctx);
  if (!me) FAIL("me: " << describe(me.error()));
  CHECK(me->user.id == user_id);
  CHECK(me->user.email == kat["user"]["email"].get<std::string>());
  CHECK(me->session.session.id == session_id);

  // The refresh token rotates, and the new access token is accepted.
  auto rotated = service.refresh(authkit::RefreshTokenInput{refresh_token}, ctx);
  if (!rotated) FAIL("refresh: " << describe(rotated.error()));
  CHECK(rotated->refresh_token != refresh_token);
  CHECK(rotated->session.session.id == session_id);
  auto me_again = service.me_token(rotated->access_token, ctx);
  if (!me_again) FAIL("me after the refresh: " << describe(me_again.error()));
  CHECK(me_again->user.id == user_id);

  // Presented again, the rotated token is a replay: the session is compromised.
  auto replay = service.refresh(authkit::RefreshTokenInput{refresh_token}, ctx);
  REQUIRE_FALSE(replay);
  CHECK(replay.error().code == authkit::ErrorCode::kRefreshTokenReused);
  auto session = service.store().find_session(session_id);
  REQUIRE(session);
  REQUIRE(*session);
  CHECK((*session)->status == authkit::SessionStatus::kCompromised);

  // The known password logs in, and the bcrypt hash is replaced by an Argon2id one that the same
  // password opens.
  const authkit::CreateSessionInput login{kat["user"]["email"].get<std::string>(),
                                          kat["password"].get<std::string>()};
  auto first = service.create_session(login, ctx);
  if (!first) FAIL("login: " << describe(first.error()));
  CHECK(first->user.id == user_id);
  const bool rehashed = stored_hash(service, user_id).starts_with("$argon2id$");
  CHECK(rehashed);
  auto second = service.create_session(login, ctx);
  if (!second) FAIL("login after the rehash: " << describe(second.error()));
}
