// make_token_codec: the key set and validation rules a Config describes.
#include "authkit/backends.hpp"
#include "authkit/config.hpp"
#include "authkit/jwt.hpp"
#include "token/key_material.hpp"

namespace authkit {
inline namespace v1 {

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

  KeySet keys;
  AUTHKIT_RETURN_IF_ERROR(keys.add(TokenType::kAccess, std::move(*access)));
  AUTHKIT_RETURN_IF_ERROR(keys.add(TokenType::kRefresh, std::move(*refresh)));
  return TokenCodec(std::move(keys),
                    TokenValidation{config.jwt_issuer, config.jwt_audience, config.jwt_leeway});
}

}  // namespace v1
}  // namespace authkit
