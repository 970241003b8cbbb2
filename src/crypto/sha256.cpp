// SHA-256 through OpenSSL's one-shot EVP interface (hardware-accelerated where available).
#include <openssl/evp.h>

#include <cstdlib>

#include "authkit/crypto.hpp"

namespace authkit {
inline namespace v1 {
namespace crypto {

Sha256Digest sha256(std::string_view data) noexcept {
  Sha256Digest digest{};
  unsigned int length = 0;
  // EVP_Digest only fails on allocation failure inside OpenSSL; a wrong digest must never be
  // used silently, so that case stops the process.
  if (EVP_Digest(data.data(), data.size(), digest.data(), &length, EVP_sha256(), nullptr) != 1 ||
      length != digest.size()) {
    std::abort();
  }
  return digest;
}

std::string sha256_hex(std::string_view data) {
  static constexpr char kHex[] = "0123456789abcdef";
  const Sha256Digest digest = sha256(data);
  std::string out(digest.size() * 2, '\0');
  for (std::size_t i = 0; i < digest.size(); ++i) {
    out[2 * i] = kHex[digest[i] >> 4];
    out[2 * i + 1] = kHex[digest[i] & 0x0Fu];
  }
  return out;
}

}  // namespace crypto
}  // namespace v1
}  // namespace authkit
