// The original service's JavaScript string rules (trim, Number(), length) for the config.
#include "config/js_coercion.hpp"

#include <charconv>
#include <cmath>
#include <cstdint>
#include <limits>

namespace authkit::detail {
namespace {

// Length in bytes of the JavaScript white space starting at text[i], or 0.
std::size_t space_at(std::string_view text, std::size_t i) noexcept {
  const auto byte = [&](std::size_t k) -> unsigned {
    return i + k < text.size() ? static_cast<unsigned char>(text[i + k]) : 0x100U;
  };
  const unsigned b0 = byte(0);
  if (b0 == ' ' || (b0 >= 0x09 && b0 <= 0x0d)) return 1;
  if (b0 == 0xc2 && byte(1) == 0xa0) return 2;                     // U+00A0
  if (b0 == 0xe1 && byte(1) == 0x9a && byte(2) == 0x80) return 3;  // U+1680
  if (b0 == 0xe2 && byte(1) == 0x80) {
    const unsigned b2 = byte(2);
    // U+2000..U+200A, U+2028, U+2029, U+202F
    if ((b2 >= 0x80 && b2 <= 0x8a) || b2 == 0xa8 || b2 == 0xa9 || b2 == 0xaf) return 3;
  }
  if (b0 == 0xe2 && byte(1) == 0x81 && byte(2) == 0x9f) return 3;  // U+205F
  if (b0 == 0xe3 && byte(1) == 0x80 && byte(2) == 0x80) return 3;  // U+3000
  if (b0 == 0xef && byte(1) == 0xbb && byte(2) == 0xbf) return 3;  // U+FEFF
  return 0;
}

// Length in bytes of the JavaScript white space ending just before text[end], or 0.
std::size_t space_before(std::string_view text, std::size_t end) noexcept {
  for (std::size_t width = 1; width <= 3 && width <= end; ++width) {
    if (space_at(text.substr(0, end), end - width) == width) return width;
  }
  return 0;
}

bool is_digit(char c, int base) noexcept {
  if (c >= '0' && c <= '9') return c - '0' < base;
  if (base == 16) return (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
  return false;
}

int digit_value(char c) noexcept {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return c - 'A' + 10;
}

double radix_integer(std::string_view digits, int base) noexcept {
  if (digits.empty()) return std::numeric_limits<double>::quiet_NaN();
  double value = 0;
  for (const char c : digits) {
    if (!is_digit(c, base)) return std::numeric_limits<double>::quiet_NaN();
    value = value * base + digit_value(c);
  }
  return value;
}

// StrUnsignedDecimalLiteral: digits [. digits] or . digits, then an optional exponent.
bool is_unsigned_decimal(std::string_view s, bool& negative_exponent) noexcept {
  std::size_t i = 0;
  std::size_t mantissa_digits = 0;
  while (i < s.size() && is_digit(s[i], 10)) ++i, ++mantissa_digits;
  if (i < s.size() && s[i] == '.') {
    ++i;
    while (i < s.size() && is_digit(s[i], 10)) ++i, ++mantissa_digits;
  }
  if (mantissa_digits == 0) return false;
  negative_exponent = false;
  if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
    ++i;
    if (i < s.size() && (s[i] == '+' || s[i] == '-')) negative_exponent = s[i++] == '-';
    std::size_t exponent_digits = 0;
    while (i < s.size() && is_digit(s[i], 10)) ++i, ++exponent_digits;
    if (exponent_digits == 0) return false;
  }
  return i == s.size();
}

}  // namespace

std::string_view js_trim(std::string_view text) noexcept {
  std::size_t begin = 0;
  while (begin < text.size()) {
    const std::size_t width = space_at(text, begin);
    if (width == 0) break;
    begin += width;
  }
  std::size_t end = text.size();
  while (end > begin) {
    const std::size_t width = space_before(text, end);
    if (width == 0) break;
    end -= width;
  }
  return text.substr(begin, end - begin);
}

double js_number(std::string_view text) noexcept {
  constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
  constexpr double kInfinity = std::numeric_limits<double>::infinity();
  const std::string_view s = js_trim(text);
  if (s.empty()) return 0;
  if (s.size() > 2 && s[0] == '0') {
    switch (s[1]) {
      case 'x':
      case 'X':
        return radix_integer(s.substr(2), 16);
      case 'o':
      case 'O':
        return radix_integer(s.substr(2), 8);
      case 'b':
      case 'B':
        return radix_integer(s.substr(2), 2);
      default:
        break;
    }
  }
  std::string_view body = s;
  bool negative = false;
  if (body[0] == '+' || body[0] == '-') {
    negative = body[0] == '-';
    body.remove_prefix(1);
  }
  if (body == "Infinity") return negative ? -kInfinity : kInfinity;
  bool negative_exponent = false;
  if (!is_unsigned_decimal(body, negative_exponent)) return kNaN;
  double value = 0;
  const auto [end, error] = std::from_chars(body.data(), body.data() + body.size(), value);
  if (error == std::errc::result_out_of_range) {
    // JavaScript rounds to Infinity or 0 where from_chars reports the range error.
    value = negative_exponent ? 0.0 : kInfinity;
  } else if (error != std::errc() || end != body.data() + body.size()) {
    return kNaN;
  }
  return negative ? -value : value;
}

std::size_t js_length(std::string_view text) noexcept {
  std::size_t units = 0;
  std::size_t i = 0;
  while (i < text.size()) {
    const auto b0 = static_cast<unsigned char>(text[i]);
    std::size_t width = 1;
    if (b0 >= 0xf0 && b0 <= 0xf4) {
      width = 4;
    } else if (b0 >= 0xe0) {
      width = b0 <= 0xef ? 3 : 1;
    } else if (b0 >= 0xc2) {
      width = 2;
    }
    bool valid = width > 1 && i + width <= text.size();
    for (std::size_t k = 1; valid && k < width; ++k) {
      valid = (static_cast<unsigned char>(text[i + k]) & 0xc0U) == 0x80U;
    }
    if (!valid) width = 1;
    units += width == 4 ? 2 : 1;  // beyond the BMP JavaScript needs a surrogate pair
    i += width;
  }
  return units;
}

}  // namespace authkit::detail
