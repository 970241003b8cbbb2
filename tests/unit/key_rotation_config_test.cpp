// Key sets that rotate (docs/configuration.md#key-rotation): the *_VERIFY_* variables, their
// refusals (which never echo a secret), and the codec they build.
#include <catch2/catch.hpp>

#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <map>

#include "authkit/backends.hpp"
#include "authkit/config.hpp"
#include "authkit/crypto.hpp"
#include "authkit/jwt.hpp"
#include "config_from_vars.hpp"
#include "sample_claims.hpp"

using namespace authkit;
using authkit_test::config_or_fail;
using authkit_test::sample_claims;

namespace {

using Vars = authkit_test::ConfigVars;

Result<Config> read(const Vars& vars) { return authkit_test::config_from_vars(vars); }

const std::string kOldAccess = "old-access-secret-0123456789abcdefgh";
const std::string kNewAccess = "new-access-secret-0123456789abcdefgh";
const std::string kOldRefresh = "old-refresh-secret-0123456789abcdefg";
const std::string kNewRefresh = "new-refresh-secret-0123456789abcdefg";

Vars base(Vars extra) {
  Vars vars{{"ACCESS_TOKEN_SECRET", kOldAccess},
            {"REFRESH_TOKEN_SECRET", kOldRefresh},
            {"JWT_ISSUER", "iss-x"},
            {"JWT_AUDIENCE", "aud-x"}};
  for (auto& [name, value] : extra) vars[name] = value;
  return vars;
}

// The issues of a refused configuration, checked never to hold any of `secrets`.
std::string refusal(const Vars& vars, std::initializer_list<std::string_view> secrets) {
  auto config = read(vars);
  REQUIRE_FALSE(config.ok());
  CHECK(config.error().code == ErrorCode::kInvalidConfiguration);
  std::string text = config.error().message;
  for (const auto& detail : config.error().details) text += " " + detail.message;
  for (const auto secret : secrets) CHECK(text.find(secret) == std::string::npos);
  return text;
}

struct TempKeyFile {
  explicit TempKeyFile(const std::string& pem) {
    char path_template[] = "/tmp/authkit-rotation-XXXXXX";
    const int fd = mkstemp(path_template);
    REQUIRE(fd >= 0);
    close(fd);
    path = path_template;
    std::ofstream(path) << pem;
  }
  ~TempKeyFile() { std::remove(path.c_str()); }
  TempKeyFile(const TempKeyFile&) = delete;
  TempKeyFile& operator=(const TempKeyFile&) = delete;
  std::string path;
};

}  // namespace

TEST_CASE("without *_VERIFY_* variables a configuration is one key per type, as before",
          "[jwt][config][rotation]") {
  const Config config = config_or_fail(base({}));
  CHECK(config.access_token_verify_secrets.empty());
  CHECK(config.access_token_verify_keys.empty());
  CHECK(config.refresh_token_verify_secrets.empty());
  auto codec = make_token_codec(config);
  REQUIRE(codec.ok());
  CHECK(codec->keys().keys(TokenType::kAccess).size() == 1);
  CHECK(codec->keys().keys(TokenType::kRefresh).size() == 1);
}

TEST_CASE("an HMAC rotation keeps the old kid-less tokens valid and signs with the new kid",
          "[jwt][config][rotation]") {
  auto before = make_token_codec(config_or_fail(base({})));
  REQUIRE(before.ok());
  const std::string old_access = before->issue(sample_claims(TokenType::kAccess)).value();
  const std::string old_refresh = before->issue(sample_claims(TokenType::kRefresh)).value();

  const Config rotated =
      config_or_fail(base({{"ACCESS_TOKEN_SECRET", kNewAccess},
                           {"ACCESS_TOKEN_KEY_ID", "a2"},
                           {"ACCESS_TOKEN_VERIFY_SECRETS", " :" + kOldAccess + " ,"},
                           {"REFRESH_TOKEN_SECRET", kNewRefresh},
                           {"REFRESH_TOKEN_KEY_ID", "r2"},
                           {"REFRESH_TOKEN_VERIFY_SECRETS", ":" + kOldRefresh}}));
  CHECK(rotated.access_token_verify_secrets == std::vector{VerificationKey{"", kOldAccess}});
  CHECK(rotated.refresh_token_verify_secrets == std::vector{VerificationKey{"", kOldRefresh}});
  auto after = make_token_codec(rotated);
  REQUIRE(after.ok());
  CHECK(after->verify(old_access, TokenType::kAccess, 1800000000).ok());
  CHECK(after->verify(old_refresh, TokenType::kRefresh, 1800000000).ok());
  const std::string new_access = after->issue(sample_claims(TokenType::kAccess)).value();
  CHECK(*crypto::base64url_decode(new_access.substr(0, new_access.find('.'))) ==
        R"({"alg":"HS256","typ":"JWT","kid":"a2"})");
  // The node not yet rotated refuses the new kid: hence "verify-only everywhere first".
  CHECK(before->verify(new_access, TokenType::kAccess, 1800000000).error() ==
        TokenRejection::kUnknownKey);
  // The verify-only key still re-signs exactly what it signed (the reuse grace).
  const auto keys = after->keys().keys(TokenType::kRefresh);
  REQUIRE(keys.size() == 2);
  CHECK(keys[0]->kid() == "r2");
  CHECK(after->issue(sample_claims(TokenType::kRefresh), *keys[1]).value() == old_refresh);
  // HMAC secrets are never published.
  CHECK(after->keys().jwks() == R"({"keys":[]})");
}

TEST_CASE("the next key can be listed before it signs, and the old one retired after",
          "[jwt][config][rotation]") {
  auto stage1 =
      make_token_codec(config_or_fail(base({{"ACCESS_TOKEN_VERIFY_SECRETS", "a2:" + kNewAccess}})));
  REQUIRE(stage1.ok());
  auto stage2 =
      make_token_codec(config_or_fail(base({{"ACCESS_TOKEN_SECRET", kNewAccess},
                                            {"ACCESS_TOKEN_KEY_ID", "a2"},
                                            {"ACCESS_TOKEN_VERIFY_SECRETS", ":" + kOldAccess}})));
  REQUIRE(stage2.ok());
  auto stage3 = make_token_codec(
      config_or_fail(base({{"ACCESS_TOKEN_SECRET", kNewAccess}, {"ACCESS_TOKEN_KEY_ID", "a2"}})));
  REQUIRE(stage3.ok());
  const std::string by_stage2 = stage2->issue(sample_claims(TokenType::kAccess)).value();
  CHECK(stage1->verify(by_stage2, TokenType::kAccess, 1800000000).ok());
  const std::string by_stage1 = stage1->issue(sample_claims(TokenType::kAccess)).value();
  CHECK(stage2->verify(by_stage1, TokenType::kAccess, 1800000000).ok());
  CHECK(stage3->verify(by_stage1, TokenType::kAccess, 1800000000).error() ==
        TokenRejection::kUnknownKey);
}

TEST_CASE("asymmetric verify-only keys come from files, their type fixes the algorithm",
          "[jwt][config][rotation]") {
  auto old_key = SigningKey::generate(JwtAlgorithm::kES256, "e1").value();
  auto new_key = SigningKey::generate(JwtAlgorithm::kEdDSA, "d2").value();
  auto rsa_key = SigningKey::generate(JwtAlgorithm::kRS256, "r9").value();
  const TempKeyFile active(new_key.private_pem().value());
  const TempKeyFile old_private(old_key.private_pem().value());
  const TempKeyFile rsa_public(rsa_key.public_pem().value());

  const Config config = config_or_fail(
      base({{"ACCESS_TOKEN_ALGORITHM", "EdDSA"},
            {"ACCESS_TOKEN_PRIVATE_KEY_FILE", active.path},
            {"ACCESS_TOKEN_KEY_ID", "d2"},
            {"ACCESS_TOKEN_VERIFY_KEY_FILES", "e1:" + old_private.path + ", r9:" + rsa_public.path},
            // The original's HS256 tokens, while moving to EdDSA.
            {"ACCESS_TOKEN_VERIFY_SECRETS", ":" + kOldAccess}}));
  REQUIRE(config.access_token_verify_keys.size() == 2);
  auto codec = make_token_codec(config);
  REQUIRE(codec.ok());
  const auto keys = codec->keys().keys(TokenType::kAccess);
  REQUIRE(keys.size() == 4);
  CHECK(keys[0]->algorithm() == JwtAlgorithm::kEdDSA);
  CHECK(keys[0]->can_sign());
  for (std::size_t i = 1; i < keys.size(); ++i) {
    CHECK((keys[i]->algorithm() == JwtAlgorithm::kHS256 || !keys[i]->can_sign()));
  }
  CHECK(codec->keys().find(TokenType::kAccess, "e1")->algorithm() == JwtAlgorithm::kES256);
  CHECK(codec->keys().find(TokenType::kAccess, "r9")->algorithm() == JwtAlgorithm::kRS256);

  // Tokens of the old key verify; the JWKS lists the three public keys, active first, and no
  // private member or secret.
  KeySet old_set;
  REQUIRE(old_set.add(TokenType::kAccess, old_key).ok());
  REQUIRE(
      old_set.add(TokenType::kRefresh, SigningKey::hmac(JwtAlgorithm::kHS256, kOldRefresh).value())
          .ok());
  const TokenCodec old_codec(old_set, {"iss-x", "aud-x"});
  CHECK(codec
            ->verify(old_codec.issue(sample_claims(TokenType::kAccess)).value(), TokenType::kAccess,
                     1800000000)
            .ok());
  const std::string jwks = codec->keys().jwks();
  CHECK(jwks.find(R"("kid":"d2")") < jwks.find(R"("kid":"e1")"));
  CHECK(jwks.find(R"("kid":"r9")") != std::string::npos);
  for (const auto* member : {R"("d":)", R"("p":)", R"("q":)", R"("k":)"}) {
    CHECK(jwks.find(member) == std::string::npos);
  }
}

TEST_CASE("malformed verify-only lists are refused without echoing a secret",
          "[jwt][config][rotation]") {
  const std::string secret = "no-colon-secret-0123456789abcdefghij";
  auto text = refusal(base({{"ACCESS_TOKEN_VERIFY_SECRETS", "a1:" + kNewAccess + "," + secret}}),
                      {secret, kNewAccess});
  CHECK(text.find("ACCESS_TOKEN_VERIFY_SECRETS: entry 2 is not kid:secret") != std::string::npos);

  text = refusal(base({{"REFRESH_TOKEN_VERIFY_SECRETS", "bad kid!:" + kNewRefresh}}),
                 {kNewRefresh, "bad kid"});
  CHECK(text.find("entry 1 has a kid that is not") != std::string::npos);

  text = refusal(base({{"REFRESH_TOKEN_VERIFY_SECRETS", "r1:short-one"}}), {"short-one"});
  CHECK(text.find("entry 1 has a secret of fewer than 32 characters") != std::string::npos);

  const std::string pem = "-----BEGIN PUBLIC KEY-----abcdefghijklmnopqrstuvwxyz0123456789";
  text = refusal(base({{"ACCESS_TOKEN_VERIFY_SECRETS", "p1:" + pem}}), {pem});
  CHECK(text.find("looks like a PEM key") != std::string::npos);

  // HS512 secrets need 64 characters, verify-only ones too.
  text = refusal(base({{"ACCESS_TOKEN_ALGORITHM", "HS512"},
                       {"ACCESS_TOKEN_SECRET", std::string(64, 'x')},
                       {"ACCESS_TOKEN_VERIFY_SECRETS", "h1:" + kNewAccess}}),
                 {kNewAccess});
  CHECK(text.find("fewer than 64 characters") != std::string::npos);

  std::string many;
  for (int i = 0; i < 17; ++i) many += "k" + std::to_string(i) + ":" + kNewAccess + ",";
  text = refusal(base({{"ACCESS_TOKEN_VERIFY_SECRETS", many}}), {kNewAccess});
  CHECK(text.find("at most 16 keys") != std::string::npos);
}

TEST_CASE("duplicate kids and shared secrets are refused", "[jwt][config][rotation]") {
  // The active key has no kid: a second kid-less key could never be chosen.
  auto text = refusal(base({{"ACCESS_TOKEN_VERIFY_SECRETS", ":" + kNewAccess}}), {kNewAccess});
  CHECK(text.find("ACCESS_TOKEN_VERIFY_SECRETS: two access token keys have no kid") !=
        std::string::npos);

  text = refusal(
      base({{"ACCESS_TOKEN_KEY_ID", "a1"}, {"ACCESS_TOKEN_VERIFY_SECRETS", "a1:" + kNewAccess}}),
      {kNewAccess});
  CHECK(text.find(R"(two access token keys have the kid "a1")") != std::string::npos);

  text = refusal(
      base({{"REFRESH_TOKEN_VERIFY_SECRETS", "r1:" + kNewRefresh + ",r1:" + kNewRefresh + "x"}}),
      {kNewRefresh});
  CHECK(text.find(R"(two refresh token keys have the kid "r1")") != std::string::npos);

  // One key set holds both types: a kid names one key.
  text = refusal(
      base({{"ACCESS_TOKEN_KEY_ID", "k1"}, {"REFRESH_TOKEN_VERIFY_SECRETS", "k1:" + kNewRefresh}}),
      {kNewRefresh});
  CHECK(text.find(R"(both have the kid "k1")") != std::string::npos);

  // docs/compatibility.md#distinct-secrets, across rotations too.
  text = refusal(base({{"REFRESH_TOKEN_VERIFY_SECRETS", "r1:" + kOldAccess}}), {kOldAccess});
  CHECK(text.find("an access-token secret is also a refresh-token secret") != std::string::npos);
  text = refusal(base({{"ACCESS_TOKEN_VERIFY_SECRETS", "a1:" + kOldRefresh}}), {kOldRefresh});
  CHECK(text.find("an access-token secret is also a refresh-token secret") != std::string::npos);
}

TEST_CASE("verify-only key files: unreadable, not a key, or of an unknown type",
          "[jwt][config][rotation]") {
  auto text =
      refusal(base({{"ACCESS_TOKEN_VERIFY_KEY_FILES", "e1:/nonexistent/authkit-key.pem"}}), {});
  CHECK(text.find(R"(ACCESS_TOKEN_VERIFY_KEY_FILES: cannot read "/nonexistent/authkit-key.pem")") !=
        std::string::npos);

  const std::string contents = "plainly-not-a-key-0123456789";
  const TempKeyFile not_pem(contents);
  text = refusal(base({{"ACCESS_TOKEN_VERIFY_KEY_FILES", "e1:" + not_pem.path}}), {contents});
  CHECK(text.find("does not hold a PEM key") != std::string::npos);

  // PEM-shaped but no key the library knows: refused when the codec is built.
  const TempKeyFile garbage("-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n");
  const Config config =
      config_or_fail(base({{"ACCESS_TOKEN_VERIFY_KEY_FILES", "e1:" + garbage.path}}));
  auto codec = make_token_codec(config);
  REQUIRE_FALSE(codec.ok());
  CHECK(codec.error().code == ErrorCode::kInvalidConfiguration);
  CHECK(codec.error().message.find("AAAA") == std::string::npos);
}
