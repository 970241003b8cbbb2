// Ed25519 (EdDSA) keys: signing and verification through libsodium, PEM and JWK through OpenSSL.
#include <openssl/err.h>
#include <openssl/pem.h>
#include <sodium.h>

#include <array>

#include "authkit/crypto.hpp"
#include "crypto/sodium.hpp"
#include "token/key_material.hpp"
#include "token/openssl_handles.hpp"

namespace authkit::detail {
namespace {

class Ed25519Material final : public KeyMaterial {
 public:
  Ed25519Material(std::string kid, bool has_secret,
                  const std::array<unsigned char, crypto_sign_SECRETKEYBYTES>& secret,
                  const std::array<unsigned char, crypto_sign_PUBLICKEYBYTES>& public_key)
      : KeyMaterial(JwtAlgorithm::kEdDSA, std::move(kid)),
        has_secret_(has_secret),
        secret_(secret),
        public_(public_key) {}

  ~Ed25519Material() override { sodium_memzero(secret_.data(), secret_.size()); }
  Ed25519Material(const Ed25519Material&) = delete;
  Ed25519Material& operator=(const Ed25519Material&) = delete;

  bool can_sign() const noexcept override { return has_secret_; }

  Result<std::string> sign(std::string_view signing_input) const override {
    if (!has_secret_) return key_error("this EdDSA key is a public key: it can only verify");
    std::string signature(crypto_sign_BYTES, '\0');
    crypto_sign_detached(reinterpret_cast<unsigned char*>(signature.data()), nullptr,
                         reinterpret_cast<const unsigned char*>(signing_input.data()),
                         signing_input.size(), secret_.data());
    return signature;
  }

  bool verify(std::string_view signing_input, std::string_view signature) const noexcept override {
    if (signature.size() != crypto_sign_BYTES) return false;
    return crypto_sign_verify_detached(reinterpret_cast<const unsigned char*>(signature.data()),
                                       reinterpret_cast<const unsigned char*>(signing_input.data()),
                                       signing_input.size(), public_.data()) == 0;
  }

  Result<std::string> public_pem() const override {
    PkeyPtr key(
        EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519, nullptr, public_.data(), public_.size()));
    BioPtr bio(BIO_new(BIO_s_mem()));
    if (!key || !bio || PEM_write_bio_PUBKEY(bio.get(), key.get()) != 1) {
      ERR_clear_error();
      return key_error("cannot encode the Ed25519 public key");
    }
    return bio_to_string(bio.get());
  }

  Result<std::string> private_pem() const override {
    if (!has_secret_) return KeyMaterial::private_pem();
    // libsodium's secret key is seed || public key; PKCS#8 holds the 32-byte seed.
    PkeyPtr key(EVP_PKEY_new_raw_private_key(EVP_PKEY_ED25519, nullptr, secret_.data(),
                                             crypto_sign_SEEDBYTES));
    BioPtr bio(BIO_new(BIO_s_mem()));
    if (!key || !bio ||
        PEM_write_bio_PrivateKey(bio.get(), key.get(), nullptr, nullptr, 0, nullptr, nullptr) !=
            1) {
      ERR_clear_error();
      return key_error("cannot encode the Ed25519 private key");
    }
    return bio_to_string(bio.get());
  }

  std::optional<nlohmann::ordered_json> public_jwk_members() const override {
    nlohmann::ordered_json jwk;
    jwk["kty"] = "OKP";
    jwk["crv"] = "Ed25519";
    jwk["x"] = crypto::base64url_encode(std::span<const std::uint8_t>(public_));
    return jwk;
  }

 private:
  bool has_secret_;
  std::array<unsigned char, crypto_sign_SECRETKEYBYTES> secret_;
  std::array<unsigned char, crypto_sign_PUBLICKEYBYTES> public_;
};

}  // namespace

Result<KeyMaterialPtr> make_ed25519_material(std::string_view seed, std::string_view public_key,
                                             std::string kid) {
  ensure_sodium();
  std::array<unsigned char, crypto_sign_SECRETKEYBYTES> secret{};
  std::array<unsigned char, crypto_sign_PUBLICKEYBYTES> pk{};
  const bool has_secret = !seed.empty();
  if (has_secret) {
    if (seed.size() != crypto_sign_SEEDBYTES) return key_error("an Ed25519 seed has 32 bytes");
    crypto_sign_seed_keypair(pk.data(), secret.data(),
                             reinterpret_cast<const unsigned char*>(seed.data()));
  } else {
    if (public_key.size() != pk.size()) return key_error("an Ed25519 public key has 32 bytes");
    public_key.copy(reinterpret_cast<char*>(pk.data()), pk.size());
  }
  auto material = std::make_shared<Ed25519Material>(std::move(kid), has_secret, secret, pk);
  sodium_memzero(secret.data(), secret.size());
  return KeyMaterialPtr(std::move(material));
}

}  // namespace authkit::detail
