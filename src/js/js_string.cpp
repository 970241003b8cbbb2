// UTF-8 decoding just deep enough for JavaScript's trim and length, without a Unicode library.
#include "js/js_string.hpp"

#include <cstdint>

namespace authkit::detail {
namespace {

constexpr char32_t kInvalid = 0xFFFFFFFF;

// Decodes the character starting at text[pos]; sets `size` to the bytes it takes (1 for an
// undecodable byte, which yields kInvalid).
char32_t decode_at(std::string_view text, std::size_t pos, std::size_t& size) noexcept {
  const auto byte = [&](std::size_t i) { return static_cast<std::uint8_t>(text[i]); };
  const std::uint8_t lead = byte(pos);
  size = 1;
  if (lead < 0x80) return lead;
  std::size_t length = 0;
  char32_t value = 0;
  char32_t lowest = 0;
  if (lead >= 0xC2 && lead <= 0xDF) {
    length = 2;
    value = lead & 0x1Fu;
    lowest = 0x80;
  } else if (lead >= 0xE0 && lead <= 0xEF) {
    length = 3;
    value = lead & 0x0Fu;
    lowest = 0x800;
  } else if (lead >= 0xF0 && lead <= 0xF4) {
    length = 4;
    value = lead & 0x07u;
    lowest = 0x10000;
  } else {
    return kInvalid;
  }
  if (text.size() - pos < length) return kInvalid;
  for (std::size_t i = 1; i < length; ++i) {
    const std::uint8_t next = byte(pos + i);
    if ((next & 0xC0u) != 0x80u) return kInvalid;
    value = (value << 6) | (next & 0x3Fu);
  }
  if (value < lowest || value > 0x10FFFF || (value >= 0xD800 && value <= 0xDFFF)) return kInvalid;
  size = length;
  return value;
}

// WhiteSpace and LineTerminator of ECMA-262, the set String.prototype.trim removes.
bool is_js_whitespace(char32_t c) noexcept {
  switch (c) {
    case 0x09:
    case 0x0A:
    case 0x0B:
    case 0x0C:
    case 0x0D:
    case 0x20:
    case 0xA0:
    case 0x1680:
    case 0x2028:
    case 0x2029:
    case 0x202F:
    case 0x205F:
    case 0x3000:
    case 0xFEFF:
      return true;
    default:
      return c >= 0x2000 && c <= 0x200A;
  }
}

}  // namespace

bool is_valid_utf8(std::string_view text) noexcept {
  std::size_t size = 0;
  for (std::size_t pos = 0; pos < text.size(); pos += size) {
    if (decode_at(text, pos, size) == kInvalid) return false;
  }
  return true;
}

std::string_view js_trim(std::string_view text) noexcept {
  std::size_t begin = 0;
  std::size_t size = 0;
  while (begin < text.size()) {
    const auto byte = static_cast<std::uint8_t>(text[begin]);
    if (byte < 0x80) {  // ASCII, the common case, without decoding
      if (!is_js_whitespace(byte)) break;
      ++begin;
    } else if (is_js_whitespace(decode_at(text, begin, size))) {
      begin += size;
    } else {
      break;
    }
  }
  std::size_t end = text.size();
  while (end > begin) {
    const auto byte = static_cast<std::uint8_t>(text[end - 1]);
    if (byte < 0x80) {
      if (!is_js_whitespace(byte)) break;
      --end;
      continue;
    }
    // Step back to the lead byte of the last character (at most three continuation bytes).
    std::size_t start = end - 1;
    while (start > begin && end - start < 4 &&
           (static_cast<std::uint8_t>(text[start]) & 0xC0u) == 0x80u) {
      --start;
    }
    const char32_t last = decode_at(text, start, size);
    if (start + size != end || !is_js_whitespace(last)) break;
    end = start;
  }
  return text.substr(begin, end - begin);
}

std::size_t js_length(std::string_view text) noexcept {
  std::size_t units = 0;
  std::size_t size = 0;
  for (std::size_t pos = 0; pos < text.size(); pos += size) {
    const char32_t c = decode_at(text, pos, size);
    units += (c != kInvalid && c > 0xFFFF) ? 2 : 1;
  }
  return units;
}

std::size_t js_length_of_valid_utf8(std::string_view text) noexcept {
  std::size_t units = 0;
  for (const char c : text) {
    const auto byte = static_cast<std::uint8_t>(c);
    units +=
        static_cast<std::size_t>((byte & 0xC0u) != 0x80u) + static_cast<std::size_t>(byte >= 0xF0u);
  }
  return units;
}

bool has_control_character(std::string_view text) noexcept {
  std::size_t size = 0;
  for (std::size_t pos = 0; pos < text.size(); pos += size) {
    const char32_t c = decode_at(text, pos, size);
    if (c <= 0x1F || (c >= 0x7F && c <= 0x9F)) return true;
  }
  return false;
}

}  // namespace authkit::detail
