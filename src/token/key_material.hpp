// KeyMaterial: the algorithm-specific half of a SigningKey (HMAC, Ed25519, or an OpenSSL key).
#pragma once

#include <openssl/evp.h>
#include <nlohmann/json.hpp>

#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "authkit/signing_key.hpp"

namespace authkit::detail {

class KeyMaterial {
 public:
  KeyMaterial(JwtAlgorithm alg, std::string kid);
  virtual ~KeyMaterial();
  KeyMaterial(const KeyMaterial&) = delete;
  KeyMaterial& operator=(const KeyMaterial&) = delete;

  JwtAlgorithm algorithm() const noexcept { return algorithm_; }
  const std::string& kid() const noexcept { return kid_; }
  const std::string& encoded_header() const noexcept { return encoded_header_; }

  virtual bool can_sign() const noexcept = 0;
  virtual Result<std::string> sign(std::string_view signing_input) const = 0;
  virtual bool verify(std::string_view signing_input,
                      std::string_view signature) const noexcept = 0;
  virtual Result<std::string> public_pem() const;
  virtual Result<std::string> private_pem() const;
  // The key-type members of the public JWK (kty, crv, x, y, n, e); nullopt for secrets.
  virtual std::optional<nlohmann::ordered_json> public_jwk_members() const;

 private:
  JwtAlgorithm algorithm_;
  std::string kid_;
  std::string encoded_header_;
};

using KeyMaterialPtr = std::shared_ptr<const KeyMaterial>;

Result<KeyMaterialPtr> make_hmac_material(JwtAlgorithm alg, std::string_view secret,
                                          std::string kid);
Result<KeyMaterialPtr> make_ed25519_material(std::string_view seed_or_empty,
                                             std::string_view public_key_or_empty, std::string kid);
// RS256 or ES256 from an OpenSSL key; `has_private` tells whether it can sign.
Result<KeyMaterialPtr> make_openssl_material(JwtAlgorithm alg, EVP_PKEY* owned_key,
                                             bool has_private, std::string kid);

// "key error: <what>" as an INVALID_CONFIGURATION error: key problems are configuration problems.
Error key_error(std::string_view what);

}  // namespace authkit::detail
