// The contract's UUID shape check (zod's uuid regex), written out instead of a std::regex.
#include "authkit/crypto.hpp"

namespace authkit {
inline namespace v1 {
namespace crypto {
namespace {

bool is_hex(char c) noexcept {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

bool all_same(std::string_view text, char digit) noexcept {
  for (char c : text) {
    if (c != '-' && c != digit) return false;
  }
  return true;
}

}  // namespace

bool is_uuid(std::string_view text) noexcept {
  if (text.size() != 36) return false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const bool dash_position = i == 8 || i == 13 || i == 18 || i == 23;
    if (dash_position ? text[i] != '-' : !is_hex(text[i])) return false;
  }
  // The nil and max UUIDs are accepted as they are (max in lowercase only, as the regex says).
  if (all_same(text, '0') || all_same(text, 'f')) return true;
  const char version = text[14];
  const char variant = text[19];
  const bool version_ok = version >= '1' && version <= '8';
  const bool variant_ok = variant == '8' || variant == '9' || variant == 'a' || variant == 'b' ||
                          variant == 'A' || variant == 'B';
  return version_ok && variant_ok;
}

}  // namespace crypto
}  // namespace v1
}  // namespace authkit
