// Known-answer tests: RFC 7515 A.1 (HS256), RFC 8037 A.4 (Ed25519) and the original's tokens.
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <catch2/catch.hpp>

#include "authkit/crypto.hpp"
#include "authkit/jwt.hpp"
#include "test_data.hpp"

using namespace authkit;

namespace {

std::string decode(std::string_view b64url) {
  auto bytes = crypto::base64url_decode(b64url);
  REQUIRE(bytes.has_value());
  return *bytes;
}

// PKCS#8 PEM of the Ed25519 private key with this 32-byte seed.
std::string ed25519_pem_from_seed(const std::string& seed) {
  EVP_PKEY* key = EVP_PKEY_new_raw_private_key(
      EVP_PKEY_ED25519, nullptr, reinterpret_cast<const unsigned char*>(seed.data()), seed.size());
  REQUIRE(key != nullptr);
  BIO* bio = BIO_new(BIO_s_mem());
  REQUIRE(PEM_write_bio_PrivateKey(bio, key, nullptr, nullptr, 0, nullptr, nullptr) == 1);
  char* data = nullptr;
  const long size = BIO_get_mem_data(bio, &data);
  std::string pem(data, static_cast<std::size_t>(size));
  BIO_free(bio);
  EVP_PKEY_free(key);
  return pem;
}

}  // namespace

TEST_CASE("RFC 7515 A.1: the HS256 JWS verifies and is reproduced byte for byte", "[jwt][kat]") {
  const std::string key_bytes = decode(
      "AyM1SysPpbyDfgZld3umj1qzKObwVMkoqQ-EstJQLr_T-1qS0gZH75aKtMN3Yj0iPS4hcgUuTwjAzZr1Z9CAow");
  const std::string token =
      "eyJ0eXAiOiJKV1QiLA0KICJhbGciOiJIUzI1NiJ9."
      "eyJpc3MiOiJqb2UiLA0KICJleHAiOjEzMDA4MTkzODAsDQogImh0dHA6Ly9leGFtcGxlLmNvbS9pc19yb290Ijp0cnVl"
      "fQ."
      "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
  auto key = SigningKey::hmac(JwtAlgorithm::kHS256, key_bytes);
  REQUIRE(key.ok());

  auto verified = jws::verify_compact(token, *key);
  REQUIRE(verified.ok());
  CHECK(verified->payload ==
        "{\"iss\":\"joe\",\r\n \"exp\":1300819380,\r\n \"http://example.com/is_root\":true}");

  auto signed_again =
      jws::sign_compact(*key, "{\"typ\":\"JWT\",\r\n \"alg\":\"HS256\"}", verified->payload);
  REQUIRE(signed_again.ok());
  CHECK(*signed_again == token);

  // One flipped signature bit and the token is refused.
  std::string tampered = token;
  tampered.back() = tampered.back() == 'k' ? 'l' : 'k';
  auto refused = jws::verify_compact(tampered, *key);
  REQUIRE_FALSE(refused.ok());
}

TEST_CASE("RFC 8037 A.4: the Ed25519 JWS verifies and is reproduced byte for byte", "[jwt][kat]") {
  const std::string seed = decode("nWGxne_9WmC6hEr0kuwsxERJxWl7MmkZcDusAxyuf2A");
  const std::string token =
      "eyJhbGciOiJFZERTQSJ9.RXhhbXBsZSBvZiBFZDI1NTE5IHNpZ25pbmc."
      "hgyY0il_MGCjP0JzlnLWG1PPOt7-09PGcvMg3AIbQR6dWbhijcNR4ki4iylGjg5BhVsPt9g7sVvpAr_MuM0KAg";
  auto key = SigningKey::from_pem(JwtAlgorithm::kEdDSA, ed25519_pem_from_seed(seed));
  REQUIRE(key.ok());
  // The public key of RFC 8037 A.1, as the JWK's "x".
  CHECK(key->public_jwk().value_or("").find(
            "\"x\":\"11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo\"") != std::string::npos);

  auto verified = jws::verify_compact(token, *key);
  REQUIRE(verified.ok());
  CHECK(verified->payload == "Example of Ed25519 signing");

  auto signed_again = jws::sign_compact(*key, R"({"alg":"EdDSA"})", "Example of Ed25519 signing");
  REQUIRE(signed_again.ok());
  CHECK(*signed_again == token);

  // The public half alone verifies too, but cannot sign.
  auto public_key = SigningKey::from_pem(JwtAlgorithm::kEdDSA, key->public_pem().value());
  REQUIRE(public_key.ok());
  CHECK_FALSE(public_key->can_sign());
  CHECK(jws::verify_compact(token, *public_key).ok());
  CHECK_FALSE(public_key->sign("x").ok());
}

TEST_CASE("tokens are byte-identical to the original service's", "[jwt][kat]") {
  const auto vectors = testing::load_test_json("original-tokens.json");
  const auto& config = vectors["config"];
  KeySet keys;
  REQUIRE(keys.add(TokenType::kAccess,
                   SigningKey::hmac(JwtAlgorithm::kHS256,
                                    config["ACCESS_TOKEN_SECRET"].get<std::string>())
                       .value())
              .ok());
  REQUIRE(keys.add(TokenType::kRefresh,
                   SigningKey::hmac(JwtAlgorithm::kHS256,
                                    config["REFRESH_TOKEN_SECRET"].get<std::string>())
                       .value())
              .ok());
  const TokenCodec codec(keys, TokenValidation{config["JWT_ISSUER"], config["JWT_AUDIENCE"]});

  for (const char* kind : {"access", "refresh"}) {
    CAPTURE(kind);
    const std::string token = vectors[std::string(kind) + "Token"];
    const auto payload =
        nlohmann::json::parse(vectors[std::string(kind) + "TokenPayload"].get<std::string>());
    const Claims claims{
        payload["sid"], std::string(kind) == "access" ? TokenType::kAccess : TokenType::kRefresh,
        payload["iat"], payload["exp"],
        payload["aud"], payload["iss"],
        payload["sub"], payload["jti"]};

    auto issued = codec.issue(claims);
    REQUIRE(issued.ok());
    CHECK(*issued == token);

    auto verified = codec.verify(token, claims.type, claims.issued_at);
    REQUIRE(verified.ok());
    CHECK(*verified == claims);
  }

  CHECK(vectors["accessToken"].get<std::string>().substr(0, 36) ==
        crypto::base64url_encode(vectors["accessTokenHeader"].get<std::string>()));
  CHECK(crypto::sha256_hex(vectors["refreshToken"].get<std::string>()) ==
        vectors["refreshTokenStoredHash"].get<std::string>());
}
