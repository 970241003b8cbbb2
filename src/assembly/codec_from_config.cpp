// make_token_codec: the key set and validation rules a Config describes.
#include "authkit/backends.hpp"
#include "authkit/config.hpp"
#include "authkit/jwt.hpp"
#include "token/key_material.hpp"

namespace authkit {
inline namespace v1 {
namespace {

// A verify-only key from PEM: the key's type fixes its algorithm (Ed25519 EdDSA, P-256 ES256,
// RSA RS256), and only its public half is kept, so that it can never sign.
Result<SigningKey> verification_key_from_pem(const VerificationKey& entry) {
  for (const JwtAlgorithm alg :
       {JwtAlgorithm::kEdDSA, JwtAlgorithm::kES256, JwtAlgorithm::kRS256}) {
    auto key = SigningKey::from_pem(alg, entry.material, entry.kid);
    if (!key) continue;
    if (!key->can_sign()) return key;
    auto public_pem = key->public_pem();
    if (!public_pem) return std::move(public_pem).error();
    return SigningKey::from_pem(alg, *public_pem, entry.kid);
  }
  return detail::key_error("a key of ACCESS_TOKEN_VERIFY_KEY_FILES (kid \"" + entry.kid +
                           "\") is not an Ed25519, P-256 or RSA (>= 2048 bits) key");
}

}  // namespace

Result<TokenCodec> make_token_codec(const Config& config) {
  const auto access_alg = jwt_algorithm_from_string(config.access_token_algorithm);
  if (!access_alg) {
    return detail::key_error("unknown ACCESS_TOKEN_ALGORITHM " + config.access_token_algorithm);
  }
  if (config.refresh_token_algorithm != "HS256") {
    return detail::key_error("refresh tokens use HS256 only");
  }
  auto access = is_symmetric(*access_alg)
                    ? SigningKey::hmac(*access_alg, config.access_token_secret,
                                       config.access_token_key_id.value_or(""))
                    : SigningKey::from_pem(*access_alg, config.access_token_private_key_pem,
                                           config.access_token_key_id.value_or(""));
  if (!access) return std::move(access).error();
  if (!access->can_sign()) {
    return detail::key_error("ACCESS_TOKEN_PRIVATE_KEY_FILE holds a public key, not a private key");
  }
  auto refresh = SigningKey::hmac(JwtAlgorithm::kHS256, config.refresh_token_secret,
                                  config.refresh_token_key_id.value_or(""));
  if (!refresh) return std::move(refresh).error();

  // The active key of each type first: KeySet signs with the first key of a type that can sign.
  KeySet keys;
  AUTHKIT_RETURN_IF_ERROR(keys.add(TokenType::kAccess, std::move(*access)));
  AUTHKIT_RETURN_IF_ERROR(keys.add(TokenType::kRefresh, std::move(*refresh)));
  const JwtAlgorithm access_secret_alg =
      is_symmetric(*access_alg) ? *access_alg : JwtAlgorithm::kHS256;
  for (const auto& entry : config.access_token_verify_secrets) {
    auto key = SigningKey::hmac(access_secret_alg, entry.material, entry.kid);
    if (!key) return std::move(key).error();
    AUTHKIT_RETURN_IF_ERROR(keys.add(TokenType::kAccess, std::move(*key)));
  }
  for (const auto& entry : config.access_token_verify_keys) {
    auto key = verification_key_from_pem(entry);
    if (!key) return std::move(key).error();
    AUTHKIT_RETURN_IF_ERROR(keys.add(TokenType::kAccess, std::move(*key)));
  }
  for (const auto& entry : config.refresh_token_verify_secrets) {
    auto key = SigningKey::hmac(JwtAlgorithm::kHS256, entry.material, entry.kid);
    if (!key) return std::move(key).error();
    AUTHKIT_RETURN_IF_ERROR(keys.add(TokenType::kRefresh, std::move(*key)));
  }
  return TokenCodec(std::move(keys),
                    TokenValidation{config.jwt_issuer, config.jwt_audience, config.jwt_leeway});
}

}  // namespace v1
}  // namespace authkit
