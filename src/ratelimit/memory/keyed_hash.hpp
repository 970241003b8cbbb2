// KeyedHash: SipHash-2-4 under a random per-instance key, so nobody outside can aim at a shard.
#pragma once

#include <sodium.h>

#include <array>
#include <cstdint>
#include <string_view>

namespace authkit {
inline namespace v1 {

// A 64-bit keyed hash (libsodium's crypto_shorthash, SipHash-2-4) whose 128-bit key is drawn
// from the CSPRNG when the instance is made. A deterministic hash (std::hash) lets a client that
// knows the build choose keys that land in one shard, or in one bucket of a hash map; without
// the key, where a key lands cannot be predicted or searched for.
//
// The memory limiter also uses the value as the key's identity: two keys whose hashes collide
// share one counter. With n keys held the chance of any collision is about n^2 / 2^65 (10^-10 for
// 100,000 keys), nobody can aim at one, and sharing only ever over-counts.
//
// Thread-safe (const after construction).
class KeyedHash {
 public:
  KeyedHash();  // a fresh random key
  std::uint64_t operator()(std::string_view data) const noexcept;

 private:
  std::array<unsigned char, crypto_shorthash_KEYBYTES> key_{};
};

}  // namespace v1
}  // namespace authkit
