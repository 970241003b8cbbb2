// TokenCodec and KeySet: sign-then-verify for every algorithm, and one test per rejection.
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/pem.h>
#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>
#include <string>

#include "authkit/crypto.hpp"
#include "authkit/jwt.hpp"

using namespace authkit;

namespace {

constexpr std::int64_t kNow = 1'800'000'000;
const std::string kAccessSecret(48, 'a');
const std::string kRefreshSecret(48, 'r');
const std::string kSid = "e9a6d04e-f35c-4834-b92e-9485620273a1";
const std::string kJti = "5f428015-3654-4757-a1ef-7edc13b2796f";

SigningKey hmac_key(JwtAlgorithm alg, const std::string& secret, std::string kid = {}) {
  auto key = SigningKey::hmac(alg, secret, std::move(kid));
  REQUIRE(key.ok());
  return *key;
}

KeySet default_keys() {
  KeySet keys;
  REQUIRE(keys.add(TokenType::kAccess, hmac_key(JwtAlgorithm::kHS256, kAccessSecret)).ok());
  REQUIRE(keys.add(TokenType::kRefresh, hmac_key(JwtAlgorithm::kHS256, kRefreshSecret)).ok());
  return keys;
}

TokenValidation validation() { return TokenValidation{"auth-api", "auth-api-clients"}; }

Claims claims(TokenType type = TokenType::kAccess) {
  return Claims{kSid, type, kNow, kNow + 900, "auth-api-clients", "auth-api", "42", kJti};
}

// A token with exactly this header and payload JSON, signed by `key`.
std::string forge(const SigningKey& key, const std::string& header, const std::string& payload) {
  auto token = jws::sign_compact(key, header, payload);
  REQUIRE(token.ok());
  return *token;
}

std::string payload_json(const std::string& extra = {}, const std::string& typ = "access") {
  return R"({"sid":")" + kSid + R"(","typ":")" + typ + R"(","iat":)" + std::to_string(kNow) +
         R"(,"exp":)" + std::to_string(kNow + 900) +
         R"(,"aud":"auth-api-clients","iss":"auth-api","sub":"42","jti":")" + kJti + "\"" + extra +
         "}";
}

constexpr const char* kHs256Header = R"({"alg":"HS256","typ":"JWT"})";

TokenRejection rejection_of(const TokenCodec& codec, const std::string& token,
                            TokenType type = TokenType::kAccess, std::int64_t now = kNow) {
  auto result = codec.verify(token, type, now);
  REQUIRE_FALSE(result.ok());
  return result.error();
}

std::string pem_of(EVP_PKEY* key, bool private_key) {
  BIO* bio = BIO_new(BIO_s_mem());
  const int ok = private_key
                     ? PEM_write_bio_PrivateKey(bio, key, nullptr, nullptr, 0, nullptr, nullptr)
                     : PEM_write_bio_PUBKEY(bio, key);
  REQUIRE(ok == 1);
  char* data = nullptr;
  const long size = BIO_get_mem_data(bio, &data);
  std::string pem(data, static_cast<std::size_t>(size));
  BIO_free(bio);
  return pem;
}

}  // namespace

TEST_CASE("every algorithm signs and verifies its own tokens", "[jwt]") {
  const JwtAlgorithm algorithms[] = {JwtAlgorithm::kHS256, JwtAlgorithm::kHS384,
                                     JwtAlgorithm::kHS512, JwtAlgorithm::kRS256,
                                     JwtAlgorithm::kES256, JwtAlgorithm::kEdDSA};
  for (const auto alg : algorithms) {
    CAPTURE(to_string(alg));
    auto access = SigningKey::generate(alg, "access-1");
    REQUIRE(access.ok());
    KeySet keys;
    REQUIRE(keys.add(TokenType::kAccess, *access).ok());
    REQUIRE(keys.add(TokenType::kRefresh, hmac_key(JwtAlgorithm::kHS256, kRefreshSecret)).ok());
    const TokenCodec codec(keys, validation());

    auto token = codec.issue(claims());
    REQUIRE(token.ok());
    auto verified = codec.verify(*token, TokenType::kAccess, kNow);
    REQUIRE(verified.ok());
    CHECK(*verified == claims());

    // The header names the algorithm and the kid.
    const auto header = crypto::base64url_decode(token->substr(0, token->find('.')));
    REQUIRE(header.has_value());
    CHECK(*header ==
          R"({"alg":")" + std::string(to_string(alg)) + R"(","typ":"JWT","kid":"access-1"})");

    // A different key of the same algorithm does not verify it.
    KeySet other;
    REQUIRE(other.add(TokenType::kAccess, SigningKey::generate(alg, "access-1").value()).ok());
    CHECK(TokenCodec(other, validation()).verify(*token, TokenType::kAccess, kNow).error() ==
          TokenRejection::kBadSignature);

    // Asymmetric keys survive a PEM round trip, and their public half verifies alone.
    if (!is_symmetric(alg)) {
      auto reloaded = SigningKey::from_pem(alg, access->private_pem().value(), "access-1");
      REQUIRE(reloaded.ok());
      auto public_only = SigningKey::from_pem(alg, access->public_pem().value(), "access-1");
      REQUIRE(public_only.ok());
      CHECK_FALSE(public_only->can_sign());
      KeySet verify_only;
      REQUIRE(verify_only.add(TokenType::kAccess, *public_only).ok());
      CHECK(TokenCodec(verify_only, validation()).verify(*token, TokenType::kAccess, kNow).ok());
      CHECK_FALSE(TokenCodec(verify_only, validation()).issue(claims()).ok());
      KeySet reloaded_keys;
      REQUIRE(reloaded_keys.add(TokenType::kAccess, *reloaded).ok());
      CHECK(TokenCodec(reloaded_keys, validation()).verify(*token, TokenType::kAccess, kNow).ok());
    }
  }
}

TEST_CASE("the default single HS256 key writes the original's header, without kid", "[jwt]") {
  const TokenCodec codec(default_keys(), validation());
  auto token = codec.issue(claims());
  REQUIRE(token.ok());
  CHECK(token->rfind("eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.", 0) == 0);
}

TEST_CASE("alg none and unknown algorithms are refused", "[jwt][reject]") {
  const TokenCodec codec(default_keys(), validation());
  const std::string body = crypto::base64url_encode(payload_json());
  const std::string none_header = crypto::base64url_encode(std::string(R"({"alg":"none"})"));
  CHECK(rejection_of(codec, none_header + "." + body + ".") == TokenRejection::kMalformed);
  CHECK(rejection_of(codec, none_header + "." + body + ".c2ln") ==
        TokenRejection::kUnsupportedAlgorithm);
  const SigningKey key = hmac_key(JwtAlgorithm::kHS256, kAccessSecret);
  CHECK(rejection_of(codec, forge(key, R"({"alg":"hs256"})", payload_json())) ==
        TokenRejection::kUnsupportedAlgorithm);
  CHECK(rejection_of(codec, forge(key, R"({"alg":"PS256"})", payload_json())) ==
        TokenRejection::kUnsupportedAlgorithm);
  CHECK(rejection_of(codec, forge(key, R"({"typ":"JWT"})", payload_json())) ==
        TokenRejection::kMalformed);
}

// docs/compatibility.md#jwt-verification-pinned
TEST_CASE("an algorithm other than the key's is refused, even with the right secret",
          "[jwt][reject]") {
  const TokenCodec codec(default_keys(), validation());
  // The original accepted HS384/HS512 tokens signed with its HS256 secret.
  const SigningKey hs512 = hmac_key(JwtAlgorithm::kHS512, std::string(64, 'a'));
  const SigningKey hs384 = hmac_key(JwtAlgorithm::kHS384, std::string(48, 'a'));
  CHECK(rejection_of(codec, forge(hs512, R"({"alg":"HS512","typ":"JWT"})", payload_json())) ==
        TokenRejection::kAlgorithmMismatch);
  CHECK(rejection_of(codec, forge(hs384, R"({"alg":"HS384","typ":"JWT"})", payload_json())) ==
        TokenRejection::kAlgorithmMismatch);
}

TEST_CASE("algorithm confusion: a public key used as an HMAC secret never verifies",
          "[jwt][reject]") {
  for (const auto alg : {JwtAlgorithm::kRS256, JwtAlgorithm::kES256, JwtAlgorithm::kEdDSA}) {
    CAPTURE(to_string(alg));
    auto signer = SigningKey::generate(alg);
    REQUIRE(signer.ok());
    const std::string public_pem = signer->public_pem().value();
    KeySet keys;
    REQUIRE(keys.add(TokenType::kAccess, SigningKey::from_pem(alg, public_pem).value()).ok());
    const TokenCodec codec(keys, validation());

    // The library refuses to make an HMAC key of a PEM key at all...
    auto as_secret = SigningKey::hmac(JwtAlgorithm::kHS256, public_pem);
    REQUIRE_FALSE(as_secret.ok());
    CHECK(as_secret.error().code == ErrorCode::kInvalidConfiguration);

    // ...and a token HMAC'd with the PEM text (computed here with OpenSSL directly) is refused
    // because the header's HS256 does not match the key's algorithm.
    const std::string signing_input = crypto::base64url_encode(std::string(kHs256Header)) + "." +
                                      crypto::base64url_encode(payload_json());
    unsigned char mac[32];
    unsigned int mac_size = 0;
    REQUIRE(HMAC(EVP_sha256(), public_pem.data(), static_cast<int>(public_pem.size()),
                 reinterpret_cast<const unsigned char*>(signing_input.data()), signing_input.size(),
                 mac, &mac_size) != nullptr);
    const std::string forged =
        signing_input + "." +
        crypto::base64url_encode(std::string_view(reinterpret_cast<char*>(mac), mac_size));
    CHECK(rejection_of(codec, forged) == TokenRejection::kAlgorithmMismatch);
  }
}

TEST_CASE("a kid selects among the keys of the token's type only", "[jwt][reject]") {
  KeySet keys;
  const SigningKey old_key = hmac_key(JwtAlgorithm::kHS256, std::string(32, 'o'), "old");
  const SigningKey new_key = hmac_key(JwtAlgorithm::kHS256, std::string(32, 'n'), "new");
  const SigningKey refresh_key = hmac_key(JwtAlgorithm::kHS256, kRefreshSecret, "refresh");
  REQUIRE(keys.add(TokenType::kAccess, new_key).ok());
  REQUIRE(keys.add(TokenType::kAccess, old_key).ok());
  REQUIRE(keys.add(TokenType::kRefresh, refresh_key).ok());
  const TokenCodec codec(keys, validation());

  // The first key signs; the second still verifies (rotation without downtime).
  auto token = codec.issue(claims());
  REQUIRE(token.ok());
  CHECK(crypto::base64url_decode(token->substr(0, token->find('.')))->find(R"("kid":"new")") !=
        std::string::npos);
  CHECK(codec
            .verify(forge(old_key, R"({"alg":"HS256","typ":"JWT","kid":"old"})", payload_json()),
                    TokenType::kAccess, kNow)
            .ok());

  CHECK(rejection_of(codec, forge(old_key, R"({"alg":"HS256","kid":"gone"})", payload_json())) ==
        TokenRejection::kUnknownKey);
  CHECK(rejection_of(codec, forge(old_key, kHs256Header, payload_json())) ==
        TokenRejection::kUnknownKey);  // no kid, and no kid-less key
  // The refresh key's kid is unknown among access keys.
  CHECK(rejection_of(codec, forge(refresh_key, R"({"alg":"HS256","kid":"refresh"})",
                                  payload_json())) == TokenRejection::kUnknownKey);
  CHECK(rejection_of(codec, forge(old_key, R"({"alg":"HS256","kid":7})", payload_json())) ==
        TokenRejection::kMalformed);
}

// Recovery from a leaked secret is replacing it: nothing signed with the old one may verify
// under the new one, for either token type (docs/threat-model.md#key-compromise).
TEST_CASE("a replaced secret refuses every token signed with the old one", "[jwt][reject]") {
  const TokenCodec old_codec(default_keys(), validation());
  KeySet replaced;
  REQUIRE(
      replaced.add(TokenType::kAccess, hmac_key(JwtAlgorithm::kHS256, std::string(48, 'A'))).ok());
  REQUIRE(
      replaced.add(TokenType::kRefresh, hmac_key(JwtAlgorithm::kHS256, std::string(48, 'R'))).ok());
  const TokenCodec new_codec(std::move(replaced), validation());
  for (const TokenType type : {TokenType::kAccess, TokenType::kRefresh}) {
    auto old_token = old_codec.issue(claims(type));
    REQUIRE(old_token.ok());
    CHECK(old_codec.verify(*old_token, type, kNow).ok());
    CHECK(rejection_of(new_codec, *old_token, type) == TokenRejection::kBadSignature);
    auto new_token = new_codec.issue(claims(type));
    REQUIRE(new_token.ok());
    CHECK(new_codec.verify(*new_token, type, kNow).ok());
  }
}

TEST_CASE("the wrong token type is refused", "[jwt][reject]") {
  const TokenCodec codec(default_keys(), validation());
  // A refresh token presented as an access token fails on its key (another secret)...
  auto refresh = codec.issue(claims(TokenType::kRefresh));
  REQUIRE(refresh.ok());
  CHECK(rejection_of(codec, *refresh, TokenType::kAccess) == TokenRejection::kBadSignature);
  // ...and a typ:"refresh" token signed with the access key fails on its type.
  const SigningKey access_key = hmac_key(JwtAlgorithm::kHS256, kAccessSecret);
  CHECK(rejection_of(codec, forge(access_key, kHs256Header, payload_json({}, "refresh"))) ==
        TokenRejection::kWrongType);
  CHECK(rejection_of(codec, forge(access_key, kHs256Header, payload_json({}, "Access"))) ==
        TokenRejection::kWrongType);
}

TEST_CASE("headers and payloads must be JSON objects without duplicate members", "[jwt][reject]") {
  const TokenCodec codec(default_keys(), validation());
  const SigningKey key = hmac_key(JwtAlgorithm::kHS256, kAccessSecret);
  CHECK(rejection_of(codec, forge(key, R"(["HS256"])", payload_json())) ==
        TokenRejection::kMalformed);
  CHECK(rejection_of(codec, forge(key, R"("HS256")", payload_json())) ==
        TokenRejection::kMalformed);
  CHECK(rejection_of(codec, forge(key, R"({"alg":"HS256","alg":"HS256"})", payload_json())) ==
        TokenRejection::kMalformed);
  CHECK(rejection_of(codec, forge(key, R"({"alg":"HS256"} x)", payload_json())) ==
        TokenRejection::kMalformed);
  CHECK(rejection_of(codec, forge(key, R"({"alg":"HS256","crit":["exp"]})", payload_json())) ==
        TokenRejection::kMalformed);
  CHECK(rejection_of(codec, forge(key, R"({"alg":"HS256","typ":"JOSE+JSON"})", payload_json())) ==
        TokenRejection::kMalformed);
  CHECK(rejection_of(codec, forge(key, kHs256Header, "[1]")) == TokenRejection::kMalformed);
  CHECK(rejection_of(codec, forge(key, kHs256Header, "null")) == TokenRejection::kMalformed);
  CHECK(rejection_of(codec, forge(key, kHs256Header, "{\"sub\":\"1\"")) ==
        TokenRejection::kMalformed);
  CHECK(rejection_of(codec, forge(key, kHs256Header, payload_json(R"(,"sub":"43")"))) ==
        TokenRejection::kMalformed);
  CHECK(rejection_of(codec, forge(key, kHs256Header, payload_json(R"(,"x":{"a":1,"a":2})"))) ==
        TokenRejection::kMalformed);
  CHECK(rejection_of(codec, forge(key, kHs256Header, payload_json(R"(,"x":"\xff")"))) ==
        TokenRejection::kMalformed);  // invalid UTF-8
  // Unknown members are ignored.
  CHECK(codec
            .verify(forge(key, kHs256Header, payload_json(R"(,"x":{"y":[1,{"z":null}]})")),
                    TokenType::kAccess, kNow)
            .ok());
}

TEST_CASE("the compact serialisation must have exactly three strict base64url segments",
          "[jwt][reject]") {
  const TokenCodec codec(default_keys(), validation());
  auto token = codec.issue(claims());
  REQUIRE(token.ok());
  const std::string& t = *token;
  const auto first = t.find('.');
  const auto second = t.find('.', first + 1);
  CHECK(rejection_of(codec, t.substr(0, second)) == TokenRejection::kMalformed);
  CHECK(rejection_of(codec, t + ".x") == TokenRejection::kMalformed);
  CHECK(rejection_of(codec, t + ".") == TokenRejection::kMalformed);
  CHECK(rejection_of(codec, "") == TokenRejection::kMalformed);
  CHECK(rejection_of(codec, "..") == TokenRejection::kMalformed);
  CHECK(rejection_of(codec, t + "=") == TokenRejection::kMalformed);  // padding
  std::string bad_char = t;
  bad_char[second + 2] = '+';
  CHECK(rejection_of(codec, bad_char) == TokenRejection::kMalformed);
  std::string bad_payload = t;
  bad_payload[first + 1] = '*';
  CHECK(rejection_of(codec, bad_payload) == TokenRejection::kBadSignature);
}

TEST_CASE("tokens over 8 KiB are refused before any work", "[jwt][reject]") {
  const TokenCodec codec(default_keys(), validation());
  const SigningKey key = hmac_key(JwtAlgorithm::kHS256, kAccessSecret);
  const std::string big =
      forge(key, kHs256Header, payload_json(R"(,"pad":")" + std::string(7000, 'x') + "\""));
  REQUIRE(big.size() > kMaxTokenSize);
  CHECK(rejection_of(codec, big) == TokenRejection::kTooLarge);
  const std::string fits =
      forge(key, kHs256Header, payload_json(R"(,"pad":")" + std::string(5000, 'x') + "\""));
  REQUIRE(fits.size() <= kMaxTokenSize);
  CHECK(codec.verify(fits, TokenType::kAccess, kNow).ok());
}

TEST_CASE("claims are validated: iss, aud, sub, sid, jti, iat, exp, nbf", "[jwt][reject]") {
  const TokenCodec codec(default_keys(), validation());
  const SigningKey key = hmac_key(JwtAlgorithm::kHS256, kAccessSecret);
  auto with = [&](const std::string& payload) { return forge(key, kHs256Header, payload); };
  const std::string sid = R"("sid":")" + kSid + "\"";
  const std::string jti = R"("jti":")" + kJti + "\"";
  const std::string base_aud_iss = R"("aud":"auth-api-clients","iss":"auth-api")";
  auto payload = [&](const std::string& members) {
    return "{" + sid + R"(,"typ":"access",)" + members + "}";
  };
  const std::string times = R"("iat":1800000000,"exp":1800000900)";
  const std::string good = base_aud_iss + "," + times + R"(,"sub":"42",)" + jti;
  REQUIRE(codec.verify(with(payload(good)), TokenType::kAccess, kNow).ok());

  CHECK(rejection_of(codec, with(payload(R"("aud":"auth-api-clients","iss":"other",)" + times +
                                         R"(,"sub":"42",)" + jti))) == TokenRejection::kBadIssuer);
  CHECK(rejection_of(codec, with(payload(R"("aud":"auth-api-clients",)" + times +
                                         R"(,"sub":"42",)" + jti))) == TokenRejection::kBadIssuer);
  CHECK(rejection_of(codec, with(payload(R"("aud":"other","iss":"auth-api",)" + times +
                                         R"(,"sub":"42",)" + jti))) ==
        TokenRejection::kBadAudience);
  CHECK(codec
            .verify(with(payload(R"("aud":["x","auth-api-clients"],"iss":"auth-api",)" + times +
                                 R"(,"sub":"42",)" + jti)),
                    TokenType::kAccess, kNow)
            .ok());
  CHECK(rejection_of(codec, with(payload(R"("aud":["x",1],"iss":"auth-api",)" + times +
                                         R"(,"sub":"42",)" + jti))) ==
        TokenRejection::kBadAudience);
  CHECK(rejection_of(codec, with(payload(base_aud_iss + "," + times + R"(,"sub":"4x2",)" + jti))) ==
        TokenRejection::kBadClaims);
  CHECK(rejection_of(codec, with(payload(base_aud_iss + "," + times + R"(,"sub":42,)" + jti))) ==
        TokenRejection::kBadClaims);
  CHECK(rejection_of(codec, with(payload(base_aud_iss + "," + times + R"(,"sub":"42")"))) ==
        TokenRejection::kBadClaims);  // no jti
  CHECK(rejection_of(codec,
                     with(payload(base_aud_iss + "," + times + R"(,"sub":"42","jti":"nope")"))) ==
        TokenRejection::kBadClaims);
  CHECK(rejection_of(codec, with(R"({"sid":"not-a-uuid","typ":"access",)" + good + "}")) ==
        TokenRejection::kBadClaims);
  // exp and iat are required (the original accepted tokens without exp:
  // docs/compatibility.md#jwt-verification-pinned).
  CHECK(rejection_of(codec, with(payload(base_aud_iss + R"(,"iat":1800000000,"sub":"42",)" +
                                         jti))) == TokenRejection::kBadClaims);
  CHECK(rejection_of(codec, with(payload(base_aud_iss + R"(,"exp":1800000900,"sub":"42",)" +
                                         jti))) == TokenRejection::kBadClaims);
  CHECK(rejection_of(codec, with(payload(base_aud_iss +
                                         R"(,"iat":1800000000,"exp":1800000900.5,"sub":"42",)" +
                                         jti))) == TokenRejection::kBadClaims);
  CHECK(rejection_of(codec, with(payload(base_aud_iss +
                                         R"(,"iat":1800000000,"exp":"1800000900","sub":"42",)" +
                                         jti))) == TokenRejection::kBadClaims);
  // nbf, when present.
  CHECK(rejection_of(codec, with(payload(good + R"(,"nbf":1800000001)"))) ==
        TokenRejection::kNotYetValid);
  CHECK(codec.verify(with(payload(good + R"(,"nbf":1800000000)")), TokenType::kAccess, kNow).ok());
  CHECK(rejection_of(codec, with(payload(good + R"(,"nbf":"soon")"))) ==
        TokenRejection::kBadClaims);
}

TEST_CASE("expiry is checked last, with the configured leeway", "[jwt][reject]") {
  const TokenCodec strict(default_keys(), validation());
  auto token = strict.issue(claims());
  REQUIRE(token.ok());
  CHECK(strict.verify(*token, TokenType::kAccess, kNow + 899).ok());
  CHECK(rejection_of(strict, *token, TokenType::kAccess, kNow + 900) == TokenRejection::kExpired);

  TokenValidation lenient = validation();
  lenient.leeway = std::chrono::seconds(30);
  const TokenCodec with_leeway(default_keys(), lenient);
  CHECK(with_leeway.verify(*token, TokenType::kAccess, kNow + 929).ok());
  CHECK(rejection_of(with_leeway, *token, TokenType::kAccess, kNow + 930) ==
        TokenRejection::kExpired);

  // An expired token with a bad signature is a bad signature, not "expired".
  std::string tampered = *token;
  tampered.back() = tampered.back() == 'A' ? 'B' : 'A';
  CHECK(rejection_of(strict, tampered, TokenType::kAccess, kNow + 10000) !=
        TokenRejection::kExpired);
  CHECK(to_error(TokenRejection::kExpired).code == ErrorCode::kInvalidToken);
}

TEST_CASE("key sets bind each key to one type and keep kids unique", "[jwt][keys]") {
  KeySet keys;
  auto es256 = SigningKey::generate(JwtAlgorithm::kES256, "es");
  REQUIRE(es256.ok());
  auto refused = keys.add(TokenType::kRefresh, *es256);
  REQUIRE_FALSE(refused.ok());
  CHECK(refused.error().message.find("HS256") != std::string::npos);
  REQUIRE_FALSE(
      keys.add(TokenType::kRefresh, hmac_key(JwtAlgorithm::kHS512, std::string(64, 'x'))).ok());
  REQUIRE(keys.add(TokenType::kAccess, *es256).ok());
  CHECK_FALSE(keys.add(TokenType::kRefresh, hmac_key(JwtAlgorithm::kHS256, kRefreshSecret, "es"))
                  .ok());  // duplicate kid across types
  REQUIRE(keys.add(TokenType::kRefresh, hmac_key(JwtAlgorithm::kHS256, kRefreshSecret)).ok());
  CHECK_FALSE(keys.add(TokenType::kRefresh, hmac_key(JwtAlgorithm::kHS256, std::string(32, 'z')))
                  .ok());  // a second kid-less refresh key
  CHECK(keys.find(TokenType::kAccess, "es") != nullptr);
  CHECK(keys.find(TokenType::kRefresh, "es") == nullptr);
  CHECK(keys.signing_key(TokenType::kAccess)->algorithm() == JwtAlgorithm::kES256);
}

TEST_CASE("the JWKS lists public keys and never a secret", "[jwt][keys]") {
  KeySet keys;
  auto ed = SigningKey::generate(JwtAlgorithm::kEdDSA, "ed");
  auto es = SigningKey::generate(JwtAlgorithm::kES256, "es");
  auto rs = SigningKey::generate(JwtAlgorithm::kRS256, "rs");
  REQUIRE((ed.ok() && es.ok() && rs.ok()));
  REQUIRE(keys.add(TokenType::kAccess, *ed).ok());
  REQUIRE(keys.add(TokenType::kAccess, *es).ok());
  REQUIRE(keys.add(TokenType::kAccess, *rs).ok());
  REQUIRE(keys.add(TokenType::kRefresh, hmac_key(JwtAlgorithm::kHS256, kRefreshSecret)).ok());
  const auto jwks = nlohmann::json::parse(keys.jwks());
  REQUIRE(jwks["keys"].size() == 3);
  CHECK(jwks["keys"][0]["kty"] == "OKP");
  CHECK(jwks["keys"][0]["crv"] == "Ed25519");
  CHECK(jwks["keys"][0]["kid"] == "ed");
  CHECK(jwks["keys"][0]["alg"] == "EdDSA");
  CHECK(jwks["keys"][0]["use"] == "sig");
  CHECK(crypto::base64url_decode(jwks["keys"][0]["x"].get<std::string>())->size() == 32);
  CHECK(jwks["keys"][1]["kty"] == "EC");
  CHECK(jwks["keys"][1]["crv"] == "P-256");
  CHECK(crypto::base64url_decode(jwks["keys"][1]["x"].get<std::string>())->size() == 32);
  CHECK(crypto::base64url_decode(jwks["keys"][1]["y"].get<std::string>())->size() == 32);
  CHECK(jwks["keys"][2]["kty"] == "RSA");
  CHECK(crypto::base64url_decode(jwks["keys"][2]["n"].get<std::string>())->size() == 256);
  CHECK(jwks["keys"][2]["e"] == "AQAB");
  for (const auto& jwk : jwks["keys"]) {
    CHECK_FALSE(jwk.contains("d"));
    CHECK_FALSE(jwk.contains("k"));
  }
}

TEST_CASE("keys that do not fit their algorithm are refused", "[jwt][keys]") {
  // HMAC secrets: empty, too short for the hash, or a PEM key.
  CHECK_FALSE(SigningKey::hmac(JwtAlgorithm::kHS256, "").ok());
  CHECK_FALSE(SigningKey::hmac(JwtAlgorithm::kHS256, std::string(31, 'x')).ok());
  CHECK_FALSE(SigningKey::hmac(JwtAlgorithm::kHS512, std::string(63, 'x')).ok());
  CHECK_FALSE(SigningKey::hmac(JwtAlgorithm::kES256, std::string(64, 'x')).ok());
  CHECK_FALSE(SigningKey::from_pem(JwtAlgorithm::kHS256, "secret").ok());

  // RSA under 2048 bits.
  EVP_PKEY* small_rsa = EVP_PKEY_Q_keygen(nullptr, nullptr, "RSA", static_cast<std::size_t>(1024));
  REQUIRE(small_rsa != nullptr);
  auto small = SigningKey::from_pem(JwtAlgorithm::kRS256, pem_of(small_rsa, true));
  EVP_PKEY_free(small_rsa);
  REQUIRE_FALSE(small.ok());
  CHECK(small.error().message.find("2048") != std::string::npos);

  // EC on another curve than P-256.
  EVP_PKEY* p384 = EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-384");
  REQUIRE(p384 != nullptr);
  CHECK_FALSE(SigningKey::from_pem(JwtAlgorithm::kES256, pem_of(p384, true)).ok());
  EVP_PKEY_free(p384);

  // A key of another type than the algorithm wants.
  auto ed = SigningKey::generate(JwtAlgorithm::kEdDSA).value();
  auto es = SigningKey::generate(JwtAlgorithm::kES256).value();
  CHECK_FALSE(SigningKey::from_pem(JwtAlgorithm::kES256, ed.private_pem().value()).ok());
  CHECK_FALSE(SigningKey::from_pem(JwtAlgorithm::kRS256, es.public_pem().value()).ok());
  CHECK_FALSE(SigningKey::from_pem(JwtAlgorithm::kEdDSA, es.private_pem().value()).ok());

  // Not PEM at all, and encrypted PEM (refused instead of prompting for a passphrase).
  CHECK_FALSE(SigningKey::from_pem(JwtAlgorithm::kES256, "not a key").ok());
  EVP_PKEY* ec = EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256");
  REQUIRE(ec != nullptr);
  BIO* bio = BIO_new(BIO_s_mem());
  char passphrase[] = "passphrase";
  REQUIRE(PEM_write_bio_PKCS8PrivateKey(bio, ec, EVP_aes_256_cbc(), passphrase,
                                        static_cast<int>(sizeof passphrase - 1), nullptr,
                                        nullptr) == 1);
  char* data = nullptr;
  const long size = BIO_get_mem_data(bio, &data);
  const std::string encrypted(data, static_cast<std::size_t>(size));
  BIO_free(bio);
  EVP_PKEY_free(ec);
  auto refused = SigningKey::from_pem(JwtAlgorithm::kES256, encrypted);
  REQUIRE_FALSE(refused.ok());
  CHECK(refused.error().message.find("unencrypted") != std::string::npos);
}

TEST_CASE("ES256 signatures are raw r||s of 64 bytes, and DER is refused", "[jwt][reject]") {
  auto key = SigningKey::generate(JwtAlgorithm::kES256);
  REQUIRE(key.ok());
  auto signature = key->sign("input");
  REQUIRE(signature.ok());
  CHECK(signature->size() == 64);
  CHECK(key->verify("input", *signature));
  CHECK_FALSE(key->verify("input!", *signature));
  CHECK_FALSE(key->verify("input", signature->substr(0, 63)));
  CHECK_FALSE(key->verify("input", std::string(64, '\0')));
}
