// The original service's JavaScript string rules (trim, Number(), length) for the config.
#pragma once

#include <cstddef>
#include <string_view>

namespace authkit::detail {

// String.prototype.trim(): strips JavaScript white space and line terminators (ASCII ones,
// NBSP, U+1680, U+2000..U+200A, U+2028/9, U+202F, U+205F, U+3000, U+FEFF, in UTF-8) at both
// ends, so a value accepted by the original is accepted here.
std::string_view js_trim(std::string_view text) noexcept;

// JavaScript's Number(string): trimmed; "" is 0; decimal with optional sign, fraction and
// exponent; 0x/0o/0b integers without sign; "Infinity" with optional sign; NaN otherwise.
double js_number(std::string_view text) noexcept;

// A string's `length` in JavaScript: UTF-16 code units of the UTF-8 `text` (a byte that is not
// valid UTF-8 counts 1, as the U+FFFD Node substitutes for it would).
std::size_t js_length(std::string_view text) noexcept;

}  // namespace authkit::detail
