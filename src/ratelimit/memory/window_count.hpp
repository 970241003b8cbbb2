// WindowCount: what a memory store knows of one key's fixed window, and the id that names a key.
#pragma once

#include <cstdint>

namespace authkit {
inline namespace v1 {

// Hits counted in the key's current window, and when that window ends (ms since the epoch). A
// window runs while now <= expires_at_ms (the original's edge: a hit exactly at the end still
// counts in the old window). count 0: no window runs.
struct WindowCount {
  std::int64_t count = 0;
  std::int64_t expires_at_ms = 0;
};

// A bijective 64-bit mixer (splitmix64's finaliser) of `id + salt`. The stores key their
// entries by a KeyedHash value; each consumer of those bits (shard choice, sketch rows) takes
// its own remix, so that keys sharing a shard do not also share the low bits a row index uses.
// The id is secret-keyed, so its remixes are as unpredictable to a client as the id itself.
constexpr std::uint64_t remix(std::uint64_t id, std::uint64_t salt) noexcept {
  std::uint64_t z = id + salt * 0x9e3779b97f4a7c15ULL;
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

}  // namespace v1
}  // namespace authkit
