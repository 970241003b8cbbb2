// KeyMaterial's shared parts: the canonical JWS header and the defaults for secret keys.
#include "token/key_material.hpp"

#include "authkit/crypto.hpp"

namespace authkit::detail {
namespace {

// {"alg":"HS256","typ":"JWT"} exactly as the original service wrote it; a kid goes last.
std::string canonical_header(JwtAlgorithm alg, const std::string& kid) {
  std::string header = R"({"alg":")";
  header += to_string(alg);
  header += R"(","typ":"JWT")";
  if (!kid.empty()) {
    header += R"(,"kid":)";
    header += nlohmann::json(kid).dump();
  }
  header += '}';
  return header;
}

}  // namespace

KeyMaterial::KeyMaterial(JwtAlgorithm alg, std::string kid)
    : algorithm_(alg),
      kid_(std::move(kid)),
      encoded_header_(crypto::base64url_encode(canonical_header(algorithm_, kid_))) {}

KeyMaterial::~KeyMaterial() = default;

Result<std::string> KeyMaterial::public_pem() const {
  return key_error("an HMAC secret has no public key");
}

Result<std::string> KeyMaterial::private_pem() const {
  return key_error("this key has no private key to export");
}

std::optional<nlohmann::ordered_json> KeyMaterial::public_jwk_members() const {
  return std::nullopt;
}

Error key_error(std::string_view what) {
  Error e(ErrorCode::kInvalidConfiguration);
  e.message = "key error: " + std::string(what);
  e.diagnostic = e.message;
  return e;
}

}  // namespace authkit::detail
