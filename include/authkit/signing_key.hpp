/// @file
/// SigningKey: one JWS key bound to one algorithm (HS256/384/512, RS256, ES256 or EdDSA).
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "authkit/export.hpp"
#include "authkit/result.hpp"

namespace authkit {
namespace detail {
class KeyMaterial;
}  // namespace detail

inline namespace v1 {

/// The JWS algorithms libauthkit signs and verifies (README.md, "Tokens").
enum class JwtAlgorithm { kHS256, kHS384, kHS512, kRS256, kES256, kEdDSA };

/// The JOSE name ("HS256", "EdDSA", ...).
AUTHKIT_API std::string_view to_string(JwtAlgorithm alg) noexcept;
/// Exact, case-sensitive JOSE name; nullopt for anything else ("none" included).
AUTHKIT_API std::optional<JwtAlgorithm> jwt_algorithm_from_string(std::string_view name) noexcept;
/// True for the HMAC algorithms (HS256, HS384, HS512).
AUTHKIT_API bool is_symmetric(JwtAlgorithm alg) noexcept;

/// A key and the one algorithm it may be used with. Verification always takes the algorithm from
/// the key, never from a token's header: that is what rules out algorithm confusion.
/// Immutable and cheap to copy (copies share the key material). Thread-safe.
class AUTHKIT_API SigningKey {
 public:
  /// An HMAC key (HS256/HS384/HS512). The secret's bytes are the key, as the original service used
  /// them. Refused: an empty secret, and a secret that is a PEM key (an asymmetric key must never
  /// be usable as an HMAC secret).
  static Result<SigningKey> hmac(JwtAlgorithm alg, std::string_view secret, std::string kid = {});
  /// An RS256 (RSA >= 2048 bits), ES256 (P-256) or EdDSA (Ed25519) key from PEM: a private key
  /// (PKCS#8 or traditional; signs and verifies) or a public key (SubjectPublicKeyInfo; verifies
  /// only). Encrypted PEM is refused rather than prompting for a passphrase.
  static Result<SigningKey> from_pem(JwtAlgorithm alg, std::string_view pem, std::string kid = {});
  /// A fresh random key: 64 bytes for HMAC, a new key pair otherwise.
  static Result<SigningKey> generate(JwtAlgorithm alg, std::string kid = {});

  /// The key's algorithm; verification takes it from here, never from a token header.
  JwtAlgorithm algorithm() const noexcept;
  const std::string& kid() const noexcept;  ///< The `kid` written in token headers; empty: none.
  /// Whether the key holds private material (a public key only verifies).
  bool can_sign() const noexcept;

  /// The raw JWS signature of `signing_input` (for ES256, r||s as JOSE requires).
  Result<std::string> sign(std::string_view signing_input) const;
  /// True only for a valid signature of `signing_input` under this key and algorithm.
  bool verify(std::string_view signing_input, std::string_view signature) const noexcept;

  /// PEM of the public key (asymmetric keys only).
  Result<std::string> public_pem() const;
  /// PKCS#8 PEM of the private key (asymmetric keys that can sign), e.g. to store a generated key.
  Result<std::string> private_pem() const;
  /// The RFC 7517 JWK of the public key ({"kty":..., "kid", "alg", "use":"sig"}) as JSON text;
  /// nullopt for HMAC keys, which are never published.
  std::optional<std::string> public_jwk() const;

  /// The base64url of this key's canonical JWS header ({"alg":..,"typ":"JWT"[,"kid":..]}).
  const std::string& encoded_header() const noexcept;

 private:
  explicit SigningKey(std::shared_ptr<const detail::KeyMaterial> material);
  std::shared_ptr<const detail::KeyMaterial> material_;
};

}  // namespace v1
}  // namespace authkit
