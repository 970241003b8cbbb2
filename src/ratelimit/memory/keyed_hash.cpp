// KeyedHash: a random key at construction, then crypto_shorthash per call.
#include "ratelimit/memory/keyed_hash.hpp"

#include <cstring>

#include "crypto/sodium.hpp"

namespace authkit {
inline namespace v1 {

KeyedHash::KeyedHash() {
  detail::ensure_sodium();
  randombytes_buf(key_.data(), key_.size());
}

std::uint64_t KeyedHash::operator()(std::string_view data) const noexcept {
  static_assert(crypto_shorthash_BYTES == sizeof(std::uint64_t));
  unsigned char out[crypto_shorthash_BYTES];
  crypto_shorthash(out, reinterpret_cast<const unsigned char*>(data.data()), data.size(),
                   key_.data());
  std::uint64_t value = 0;
  std::memcpy(&value, out, sizeof value);
  return value;
}

}  // namespace v1
}  // namespace authkit
