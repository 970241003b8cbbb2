// SigningKey: construction from secrets, PEM or fresh randomness, and the algorithm names.
#include "authkit/signing_key.hpp"

#include <openssl/err.h>
#include <openssl/pem.h>
#include <sodium.h>

#include <array>

#include "authkit/crypto.hpp"
#include "crypto/sodium.hpp"
#include "token/key_material.hpp"
#include "token/openssl_handles.hpp"

namespace authkit {
inline namespace v1 {
namespace {

constexpr std::array<std::pair<JwtAlgorithm, std::string_view>, 6> kAlgorithmNames{{
    {JwtAlgorithm::kHS256, "HS256"},
    {JwtAlgorithm::kHS384, "HS384"},
    {JwtAlgorithm::kHS512, "HS512"},
    {JwtAlgorithm::kRS256, "RS256"},
    {JwtAlgorithm::kES256, "ES256"},
    {JwtAlgorithm::kEdDSA, "EdDSA"},
}};

// Encrypted PEM is refused instead of letting OpenSSL prompt on a terminal for a passphrase.
int refuse_passphrase(char*, int, int, void*) { return -1; }

struct LoadedKey {
  detail::PkeyPtr key;
  bool has_private = false;
};

std::optional<LoadedKey> read_pem(std::string_view pem) {
  detail::BioPtr bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
  if (!bio) return std::nullopt;
  if (EVP_PKEY* key = PEM_read_bio_PrivateKey(bio.get(), nullptr, refuse_passphrase, nullptr)) {
    return LoadedKey{detail::PkeyPtr(key), true};
  }
  ERR_clear_error();
  bio.reset(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
  if (!bio) return std::nullopt;
  if (EVP_PKEY* key = PEM_read_bio_PUBKEY(bio.get(), nullptr, refuse_passphrase, nullptr)) {
    return LoadedKey{detail::PkeyPtr(key), false};
  }
  ERR_clear_error();
  return std::nullopt;
}

Result<detail::KeyMaterialPtr> ed25519_from_pkey(EVP_PKEY* key, bool has_private, std::string kid) {
  if (EVP_PKEY_is_a(key, "ED25519") != 1) return detail::key_error("EdDSA needs an Ed25519 key");
  std::array<unsigned char, 32> raw{};
  std::size_t size = raw.size();
  const int ok = has_private ? EVP_PKEY_get_raw_private_key(key, raw.data(), &size)
                             : EVP_PKEY_get_raw_public_key(key, raw.data(), &size);
  if (ok != 1 || size != raw.size()) {
    ERR_clear_error();
    return detail::key_error("cannot read the Ed25519 key");
  }
  const std::string_view bytes(reinterpret_cast<const char*>(raw.data()), raw.size());
  auto material = has_private ? detail::make_ed25519_material(bytes, {}, std::move(kid))
                              : detail::make_ed25519_material({}, bytes, std::move(kid));
  sodium_memzero(raw.data(), raw.size());
  return material;
}

}  // namespace

std::string_view to_string(JwtAlgorithm alg) noexcept {
  for (const auto& [value, name] : kAlgorithmNames) {
    if (value == alg) return name;
  }
  return "unknown";
}

std::optional<JwtAlgorithm> jwt_algorithm_from_string(std::string_view name) noexcept {
  for (const auto& [value, known] : kAlgorithmNames) {
    if (known == name) return value;
  }
  return std::nullopt;
}

bool is_symmetric(JwtAlgorithm alg) noexcept {
  return alg == JwtAlgorithm::kHS256 || alg == JwtAlgorithm::kHS384 || alg == JwtAlgorithm::kHS512;
}

SigningKey::SigningKey(std::shared_ptr<const detail::KeyMaterial> material)
    : material_(std::move(material)) {}

Result<SigningKey> SigningKey::hmac(JwtAlgorithm alg, std::string_view secret, std::string kid) {
  auto material = detail::make_hmac_material(alg, secret, std::move(kid));
  if (!material) return std::move(material).error();
  return SigningKey(std::move(*material));
}

Result<SigningKey> SigningKey::from_pem(JwtAlgorithm alg, std::string_view pem, std::string kid) {
  if (is_symmetric(alg)) {
    return detail::key_error(std::string(to_string(alg)) + " takes a secret, not a PEM key");
  }
  auto loaded = read_pem(pem);
  if (!loaded) {
    return detail::key_error("not an unencrypted PEM private key or PEM public key");
  }
  Result<detail::KeyMaterialPtr> material =
      alg == JwtAlgorithm::kEdDSA
          ? ed25519_from_pkey(loaded->key.get(), loaded->has_private, std::move(kid))
          : detail::make_openssl_material(alg, loaded->key.release(), loaded->has_private,
                                          std::move(kid));
  if (!material) return std::move(material).error();
  return SigningKey(std::move(*material));
}

Result<SigningKey> SigningKey::generate(JwtAlgorithm alg, std::string kid) {
  if (is_symmetric(alg)) {
    std::array<std::uint8_t, 64> secret{};
    crypto::random_bytes(secret);
    auto key =
        hmac(alg, {reinterpret_cast<const char*>(secret.data()), secret.size()}, std::move(kid));
    sodium_memzero(secret.data(), secret.size());
    return key;
  }
  if (alg == JwtAlgorithm::kEdDSA) {
    std::array<std::uint8_t, 32> seed{};
    crypto::random_bytes(seed);
    auto material = detail::make_ed25519_material(
        {reinterpret_cast<const char*>(seed.data()), seed.size()}, {}, std::move(kid));
    sodium_memzero(seed.data(), seed.size());
    if (!material) return std::move(material).error();
    return SigningKey(std::move(*material));
  }
  EVP_PKEY* key = alg == JwtAlgorithm::kRS256
                      ? EVP_PKEY_Q_keygen(nullptr, nullptr, "RSA", static_cast<std::size_t>(2048))
                      : EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256");
  if (key == nullptr) {
    ERR_clear_error();
    return detail::key_error("key generation failed");
  }
  auto material = detail::make_openssl_material(alg, key, true, std::move(kid));
  if (!material) return std::move(material).error();
  return SigningKey(std::move(*material));
}

JwtAlgorithm SigningKey::algorithm() const noexcept { return material_->algorithm(); }
const std::string& SigningKey::kid() const noexcept { return material_->kid(); }
bool SigningKey::can_sign() const noexcept { return material_->can_sign(); }
const std::string& SigningKey::encoded_header() const noexcept {
  return material_->encoded_header();
}

Result<std::string> SigningKey::sign(std::string_view signing_input) const {
  return material_->sign(signing_input);
}

bool SigningKey::verify(std::string_view signing_input, std::string_view signature) const noexcept {
  return material_->verify(signing_input, signature);
}

Result<std::string> SigningKey::public_pem() const { return material_->public_pem(); }
Result<std::string> SigningKey::private_pem() const { return material_->private_pem(); }

std::optional<std::string> SigningKey::public_jwk() const {
  auto jwk = material_->public_jwk_members();
  if (!jwk) return std::nullopt;
  if (!kid().empty()) (*jwk)["kid"] = kid();
  (*jwk)["alg"] = to_string(algorithm());
  (*jwk)["use"] = "sig";
  return jwk->dump();
}

}  // namespace v1
}  // namespace authkit
