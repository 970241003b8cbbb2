// Random names for test buckets and keys, so cases sharing one Redis server never collide.
#pragma once

#include <array>
#include <cstdint>
#include <string>

#include "authkit/crypto.hpp"

namespace authkit::test {

inline std::string unique_name_for_test(const std::string& prefix) {
  std::array<std::uint8_t, 6> bytes{};
  crypto::random_bytes(bytes);
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out = prefix + "-";
  for (auto b : bytes) {
    out.push_back(kHex[b >> 4]);
    out.push_back(kHex[b & 0xf]);
  }
  return out;
}

}  // namespace authkit::test
