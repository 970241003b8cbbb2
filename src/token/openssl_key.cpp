// RS256 (RSASSA-PKCS1-v1_5 with SHA-256) and ES256 (ECDSA P-256 with SHA-256) keys on OpenSSL.
#include <openssl/core_names.h>
#include <openssl/err.h>
#include <openssl/pem.h>

#include <array>

#include "authkit/crypto.hpp"
#include "token/key_material.hpp"
#include "token/openssl_handles.hpp"

namespace authkit::detail {
namespace {

constexpr std::size_t kP256CoordinateSize = 32;

const unsigned char* bytes(std::string_view s) {
  return reinterpret_cast<const unsigned char*>(s.data());
}

// JOSE carries an ECDSA signature as the fixed-size r||s; OpenSSL speaks DER.
std::optional<std::string> der_to_jose(const unsigned char* der, std::size_t der_size) {
  const unsigned char* p = der;
  EcdsaSigPtr sig(d2i_ECDSA_SIG(nullptr, &p, static_cast<long>(der_size)));
  if (!sig) return std::nullopt;
  std::string out(2 * kP256CoordinateSize, '\0');
  auto* raw = reinterpret_cast<unsigned char*>(out.data());
  if (BN_bn2binpad(ECDSA_SIG_get0_r(sig.get()), raw, kP256CoordinateSize) < 0 ||
      BN_bn2binpad(ECDSA_SIG_get0_s(sig.get()), raw + kP256CoordinateSize, kP256CoordinateSize) <
          0) {
    return std::nullopt;
  }
  return out;
}

std::optional<std::string> jose_to_der(std::string_view jose) {
  if (jose.size() != 2 * kP256CoordinateSize) return std::nullopt;
  BignumPtr r(BN_bin2bn(bytes(jose), kP256CoordinateSize, nullptr));
  BignumPtr s(BN_bin2bn(bytes(jose) + kP256CoordinateSize, kP256CoordinateSize, nullptr));
  EcdsaSigPtr sig(ECDSA_SIG_new());
  if (!r || !s || !sig || ECDSA_SIG_set0(sig.get(), r.get(), s.get()) != 1) return std::nullopt;
  (void)r.release();  // owned by sig now
  (void)s.release();
  unsigned char* der = nullptr;
  const int size = i2d_ECDSA_SIG(sig.get(), &der);
  if (size <= 0) return std::nullopt;
  std::string out(reinterpret_cast<const char*>(der), static_cast<std::size_t>(size));
  OPENSSL_free(der);
  return out;
}

std::optional<std::string> bn_param(const EVP_PKEY* key, const char* name, int pad_to = 0) {
  BIGNUM* raw = nullptr;
  if (EVP_PKEY_get_bn_param(key, name, &raw) != 1) return std::nullopt;
  BignumPtr bn(raw);
  const int size = pad_to > 0 ? pad_to : BN_num_bytes(bn.get());
  std::string out(static_cast<std::size_t>(size), '\0');
  if (BN_bn2binpad(bn.get(), reinterpret_cast<unsigned char*>(out.data()), size) < 0) {
    return std::nullopt;
  }
  return out;
}

class OpenSslMaterial final : public KeyMaterial {
 public:
  OpenSslMaterial(JwtAlgorithm alg, std::string kid, PkeyPtr key, bool has_private)
      : KeyMaterial(alg, std::move(kid)), key_(std::move(key)), has_private_(has_private) {}

  bool can_sign() const noexcept override { return has_private_; }

  Result<std::string> sign(std::string_view signing_input) const override {
    if (!has_private_) return key_error("this key is a public key: it can only verify");
    MdCtxPtr ctx(EVP_MD_CTX_new());
    std::size_t size = 0;
    if (!ctx || EVP_DigestSignInit(ctx.get(), nullptr, EVP_sha256(), nullptr, key_.get()) != 1 ||
        EVP_DigestSign(ctx.get(), nullptr, &size, bytes(signing_input), signing_input.size()) !=
            1) {
      ERR_clear_error();
      return key_error("signing failed");
    }
    std::string signature(size, '\0');
    auto* out = reinterpret_cast<unsigned char*>(signature.data());
    if (EVP_DigestSign(ctx.get(), out, &size, bytes(signing_input), signing_input.size()) != 1) {
      ERR_clear_error();
      return key_error("signing failed");
    }
    signature.resize(size);
    if (algorithm() != JwtAlgorithm::kES256) return signature;
    auto jose = der_to_jose(out, size);
    if (!jose) return key_error("cannot encode the ECDSA signature");
    return *jose;
  }

  bool verify(std::string_view signing_input, std::string_view signature) const noexcept override {
    try {
      std::string der;
      if (algorithm() == JwtAlgorithm::kES256) {
        auto converted = jose_to_der(signature);
        if (!converted) return false;
        der = std::move(*converted);
        signature = der;
      } else if (signature.size() != static_cast<std::size_t>(EVP_PKEY_get_size(key_.get()))) {
        return false;
      }
      MdCtxPtr ctx(EVP_MD_CTX_new());
      const bool ok =
          ctx && EVP_DigestVerifyInit(ctx.get(), nullptr, EVP_sha256(), nullptr, key_.get()) == 1 &&
          EVP_DigestVerify(ctx.get(), bytes(signature), signature.size(), bytes(signing_input),
                           signing_input.size()) == 1;
      ERR_clear_error();
      return ok;
    } catch (...) {
      return false;
    }
  }

  Result<std::string> public_pem() const override {
    BioPtr bio(BIO_new(BIO_s_mem()));
    if (!bio || PEM_write_bio_PUBKEY(bio.get(), key_.get()) != 1) {
      ERR_clear_error();
      return key_error("cannot encode the public key");
    }
    return bio_to_string(bio.get());
  }

  Result<std::string> private_pem() const override {
    if (!has_private_) return KeyMaterial::private_pem();
    BioPtr bio(BIO_new(BIO_s_mem()));
    if (!bio || PEM_write_bio_PrivateKey(bio.get(), key_.get(), nullptr, nullptr, 0, nullptr,
                                         nullptr) != 1) {
      ERR_clear_error();
      return key_error("cannot encode the private key");
    }
    return bio_to_string(bio.get());
  }

  std::optional<nlohmann::ordered_json> public_jwk_members() const override {
    nlohmann::ordered_json jwk;
    if (algorithm() == JwtAlgorithm::kES256) {
      auto x = bn_param(key_.get(), OSSL_PKEY_PARAM_EC_PUB_X, kP256CoordinateSize);
      auto y = bn_param(key_.get(), OSSL_PKEY_PARAM_EC_PUB_Y, kP256CoordinateSize);
      if (!x || !y) return std::nullopt;
      jwk["kty"] = "EC";
      jwk["crv"] = "P-256";
      jwk["x"] = crypto::base64url_encode(*x);
      jwk["y"] = crypto::base64url_encode(*y);
    } else {
      auto n = bn_param(key_.get(), OSSL_PKEY_PARAM_RSA_N);
      auto e = bn_param(key_.get(), OSSL_PKEY_PARAM_RSA_E);
      if (!n || !e) return std::nullopt;
      jwk["kty"] = "RSA";
      jwk["n"] = crypto::base64url_encode(*n);
      jwk["e"] = crypto::base64url_encode(*e);
    }
    return jwk;
  }

 private:
  PkeyPtr key_;
  bool has_private_;
};

bool is_p256(EVP_PKEY* key) {
  std::array<char, 64> name{};
  std::size_t length = 0;
  if (EVP_PKEY_get_group_name(key, name.data(), name.size(), &length) != 1) return false;
  const std::string_view group(name.data(), length);
  return group == "prime256v1" || group == "P-256" || group == "secp256r1";
}

}  // namespace

Result<KeyMaterialPtr> make_openssl_material(JwtAlgorithm alg, EVP_PKEY* owned_key,
                                             bool has_private, std::string kid) {
  PkeyPtr key(owned_key);
  if (alg == JwtAlgorithm::kRS256) {
    if (EVP_PKEY_is_a(key.get(), "RSA") != 1) return key_error("RS256 needs an RSA key");
    if (EVP_PKEY_get_bits(key.get()) < 2048) return key_error("RS256 keys need at least 2048 bits");
  } else if (alg == JwtAlgorithm::kES256) {
    if (EVP_PKEY_is_a(key.get(), "EC") != 1 || !is_p256(key.get())) {
      return key_error("ES256 needs an EC key on the P-256 curve");
    }
  } else {
    return key_error("OpenSSL keys serve RS256 and ES256 only");
  }
  return KeyMaterialPtr(
      std::make_shared<OpenSslMaterial>(alg, std::move(kid), std::move(key), has_private));
}

}  // namespace authkit::detail
