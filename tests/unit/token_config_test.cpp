// make_token_codec: the keys and rules a Config describes.
#include <catch2/catch.hpp>

#include <unistd.h>

#include <cstdio>
#include <cstdlib>
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

const std::string kAccess(40, 'a');
const std::string kRefresh(40, 'r');

}  // namespace

TEST_CASE("the default configuration gives HS256 keys without kid", "[jwt][config]") {
  const Config config = config_or_fail({{"ACCESS_TOKEN_SECRET", kAccess},
                                        {"REFRESH_TOKEN_SECRET", kRefresh},
                                        {"JWT_ISSUER", "iss-x"},
                                        {"JWT_AUDIENCE", "aud-x"}});
  auto codec = make_token_codec(config);
  REQUIRE(codec.ok());
  for (const auto type : {TokenType::kAccess, TokenType::kRefresh}) {
    auto token = codec->issue(sample_claims(type));
    REQUIRE(token.ok());
    CHECK(token->rfind("eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.", 0) == 0);
    CHECK(codec->verify(*token, type, 1800000000).ok());
  }
  // Each type has its own secret: the access key does not verify refresh tokens.
  KeySet access_only;
  REQUIRE(
      access_only.add(TokenType::kAccess, SigningKey::hmac(JwtAlgorithm::kHS256, kAccess).value())
          .ok());
  REQUIRE(
      access_only
          .add(TokenType::kRefresh, SigningKey::hmac(JwtAlgorithm::kHS256, kAccess + "x").value())
          .ok());
  const TokenCodec other(access_only, {"iss-x", "aud-x"});
  CHECK(other
            .verify(codec->issue(sample_claims(TokenType::kRefresh)).value(), TokenType::kRefresh,
                    1800000000)
            .error() == TokenRejection::kBadSignature);
}

TEST_CASE("an asymmetric access key comes from its PEM file, with its kid", "[jwt][config]") {
  auto key = SigningKey::generate(JwtAlgorithm::kES256);
  REQUIRE(key.ok());
  char path_template[] = "/tmp/authkit-key-XXXXXX";
  const int fd = mkstemp(path_template);
  REQUIRE(fd >= 0);
  close(fd);
  const std::string path = path_template;
  {
    std::ofstream out(path);
    out << key->private_pem().value();
  }
  const Config config = config_or_fail({{"ACCESS_TOKEN_ALGORITHM", "ES256"},
                                        {"ACCESS_TOKEN_PRIVATE_KEY_FILE", path},
                                        {"ACCESS_TOKEN_KEY_ID", "k1"},
                                        {"REFRESH_TOKEN_SECRET", kRefresh},
                                        {"REFRESH_TOKEN_KEY_ID", "r1"},
                                        {"JWT_ISSUER", "iss-x"},
                                        {"JWT_AUDIENCE", "aud-x"},
                                        {"JWT_LEEWAY_SECONDS", "5"}});
  std::remove(path.c_str());
  auto codec = make_token_codec(config);
  REQUIRE(codec.ok());
  auto token = codec->issue(sample_claims(TokenType::kAccess));
  REQUIRE(token.ok());
  CHECK(*crypto::base64url_decode(token->substr(0, token->find('.'))) ==
        R"({"alg":"ES256","typ":"JWT","kid":"k1"})");
  CHECK(codec->verify(*token, TokenType::kAccess, 1800000904).ok());  // leeway 5 s
  CHECK(codec->keys().jwks().find("\"kid\":\"k1\"") != std::string::npos);
  auto refresh = codec->issue(sample_claims(TokenType::kRefresh));
  REQUIRE(refresh.ok());
  CHECK(*crypto::base64url_decode(refresh->substr(0, refresh->find('.'))) ==
        R"({"alg":"HS256","typ":"JWT","kid":"r1"})");
}

TEST_CASE("a hand-built configuration with an unusable key is refused", "[jwt][config]") {
  Config config;
  config.access_token_secret = "short";
  config.refresh_token_secret = kRefresh;
  auto codec = make_token_codec(config);
  REQUIRE_FALSE(codec.ok());
  CHECK(codec.error().code == ErrorCode::kInvalidConfiguration);
  CHECK(codec.error().message.find("short") == std::string::npos);  // never echoes a secret

  config.access_token_secret = kAccess;
  config.access_token_algorithm = "none";
  CHECK_FALSE(make_token_codec(config).ok());
  config.access_token_algorithm = "EdDSA";
  config.access_token_private_key_pem = "not a key";
  CHECK_FALSE(make_token_codec(config).ok());
  auto public_only = SigningKey::generate(JwtAlgorithm::kEdDSA).value().public_pem();
  config.access_token_private_key_pem = public_only.value();
  CHECK_FALSE(make_token_codec(config).ok());
}
