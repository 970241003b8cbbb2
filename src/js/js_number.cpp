// StringToNumber written out: the syntax is checked here, the decimal value comes from from_chars.
#include "js/js_number.hpp"

#include <charconv>
#include <limits>
#include <system_error>

#include "js/js_string.hpp"

namespace authkit::detail {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr double kInfinity = std::numeric_limits<double>::infinity();

bool is_digit(char c) noexcept { return c >= '0' && c <= '9'; }

// 0x1F, 0o17, 0b11: digits of `radix` after the prefix, at least one, no sign.
double radix_integer(std::string_view digits, int radix) noexcept {
  if (digits.empty()) return kNaN;
  double value = 0;
  for (char c : digits) {
    int digit = radix;
    if (is_digit(c)) {
      digit = c - '0';
    } else if (c >= 'a' && c <= 'f') {
      digit = c - 'a' + 10;
    } else if (c >= 'A' && c <= 'F') {
      digit = c - 'A' + 10;
    }
    if (digit >= radix) return kNaN;
    value = value * radix + digit;
  }
  return value;
}

// The value of an unsigned decimal literal whose syntax was checked. `magnitude`, the decimal
// position of its first significant digit, tells overflow from underflow when from_chars cannot
// represent the value (JavaScript gives Infinity or 0 there, never an error).
double decimal_value(std::string_view literal, long long magnitude) noexcept {
  double value = 0;
  const auto [end, error] = std::from_chars(literal.data(), literal.data() + literal.size(), value);
  if (error == std::errc::result_out_of_range) return magnitude > 0 ? kInfinity : 0.0;
  if (error != std::errc() || end != literal.data() + literal.size()) return kNaN;
  return value;
}

// An unsigned decimal literal: digits [. digits] or . digits, then an optional exponent.
double unsigned_decimal(std::string_view text) noexcept {
  std::size_t pos = 0;
  std::size_t integer_digits = 0;  // after leading zeros
  std::size_t leading_zeros = 0;   // of the fraction, when the integer part is all zeros
  bool any_digit = false;
  bool nonzero_seen = false;
  while (pos < text.size() && is_digit(text[pos])) {
    any_digit = true;
    if (text[pos] != '0') nonzero_seen = true;
    if (nonzero_seen) ++integer_digits;
    ++pos;
  }
  if (pos < text.size() && text[pos] == '.') {
    ++pos;
    while (pos < text.size() && is_digit(text[pos])) {
      any_digit = true;
      if (!nonzero_seen) {
        if (text[pos] == '0') {
          ++leading_zeros;
        } else {
          nonzero_seen = true;
        }
      }
      ++pos;
    }
  }
  if (!any_digit) return kNaN;
  long long exponent = 0;
  if (pos < text.size() && (text[pos] == 'e' || text[pos] == 'E')) {
    ++pos;
    bool negative = false;
    if (pos < text.size() && (text[pos] == '+' || text[pos] == '-')) negative = text[pos++] == '-';
    if (pos == text.size()) return kNaN;
    for (; pos < text.size(); ++pos) {
      if (!is_digit(text[pos])) return kNaN;
      if (exponent < 1'000'000'000) exponent = exponent * 10 + (text[pos] - '0');
    }
    if (negative) exponent = -exponent;
  }
  if (pos != text.size()) return kNaN;
  if (!nonzero_seen) return 0.0;
  // Decimal position of the first significant digit, e.g. 1 for "5", 0 for ".5", -2 for ".005".
  const long long magnitude = (integer_digits > 0 ? static_cast<long long>(integer_digits)
                                                  : -static_cast<long long>(leading_zeros)) +
                              exponent;
  return decimal_value(text, magnitude);
}

}  // namespace

double js_string_to_number(std::string_view text) noexcept {
  const std::string_view trimmed = js_trim(text);
  if (trimmed.empty()) return 0.0;
  if (trimmed.size() > 2 && trimmed[0] == '0') {
    switch (trimmed[1]) {
      case 'x':
      case 'X':
        return radix_integer(trimmed.substr(2), 16);
      case 'o':
      case 'O':
        return radix_integer(trimmed.substr(2), 8);
      case 'b':
      case 'B':
        return radix_integer(trimmed.substr(2), 2);
      default:
        break;
    }
  }
  std::string_view unsigned_part = trimmed;
  bool negative = false;
  if (unsigned_part.front() == '+' || unsigned_part.front() == '-') {
    negative = unsigned_part.front() == '-';
    unsigned_part.remove_prefix(1);
  }
  const double magnitude =
      unsigned_part == "Infinity" ? kInfinity : unsigned_decimal(unsigned_part);
  return negative ? -magnitude : magnitude;
}

}  // namespace authkit::detail
