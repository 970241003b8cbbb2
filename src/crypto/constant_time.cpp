// The one audited constant-time comparison every MAC, hash and secret check goes through.
#include <openssl/crypto.h>

#include "authkit/crypto.hpp"

namespace authkit {
inline namespace v1 {
namespace crypto {

bool constant_time_equal(std::string_view a, std::string_view b) noexcept {
  // Lengths are public (a token's or digest's length is not secret); contents are compared with
  // OpenSSL's CRYPTO_memcmp, which the compiler cannot turn into an early-exit loop.
  if (a.size() != b.size()) return false;
  if (a.empty()) return true;
  return CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

}  // namespace crypto
}  // namespace v1
}  // namespace authkit
