// CSPRNG bytes and random UUIDs, from libsodium.
#include <sodium.h>

#include <array>

#include "authkit/crypto.hpp"
#include "crypto/sodium.hpp"

namespace authkit {
inline namespace v1 {
namespace crypto {

void random_bytes(std::span<std::uint8_t> out) {
  detail::ensure_sodium();
  randombytes_buf(out.data(), out.size());
}

std::string random_uuid_v4() {
  std::array<std::uint8_t, 16> b{};
  random_bytes(b);
  b[6] = static_cast<std::uint8_t>((b[6] & 0x0Fu) | 0x40u);  // version 4
  b[8] = static_cast<std::uint8_t>((b[8] & 0x3Fu) | 0x80u);  // variant 10xx
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(36);
  for (std::size_t i = 0; i < b.size(); ++i) {
    if (i == 4 || i == 6 || i == 8 || i == 10) out.push_back('-');
    out.push_back(kHex[b[i] >> 4]);
    out.push_back(kHex[b[i] & 0x0Fu]);
  }
  return out;
}

}  // namespace crypto
}  // namespace v1
}  // namespace authkit
