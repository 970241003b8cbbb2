// JavaScript's string-to-number conversion, for the length comparisons of wrongly typed fields.
#pragma once

#include <string_view>

namespace authkit::detail {

// Number(text) in JavaScript (ECMA-262 StringToNumber): surrounding JavaScript whitespace is
// ignored, "" is 0, "Infinity" with an optional sign, 0x/0o/0b integers without sign, and
// decimal literals ("12", "-1.5e3", ".5", "5."); anything else is NaN.
double js_string_to_number(std::string_view text) noexcept;

}  // namespace authkit::detail
