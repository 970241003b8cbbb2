// JavaScript string semantics on UTF-8 text (trim, length in UTF-16 units, control characters).
#pragma once

#include <cstddef>
#include <string_view>

namespace authkit::detail {

// True when `text` is well-formed UTF-8 (no overlong forms, surrogates or values past U+10FFFF).
bool is_valid_utf8(std::string_view text) noexcept;

// `text` without the leading and trailing characters String.prototype.trim removes: TAB, LF, VT,
// FF, CR, the Zs space separators, U+2028, U+2029 and U+FEFF (not U+0085: JavaScript keeps it).
// Bytes that do not decode stop the trimming rather than being removed.
std::string_view js_trim(std::string_view text) noexcept;

// The JavaScript length of `text`: UTF-16 code units, so a character past U+FFFF counts 2.
// Meant for valid UTF-8; an undecodable byte counts 1 (as the U+FFFD a decoder would make).
std::size_t js_length(std::string_view text) noexcept;

// js_length() of text already known to be valid UTF-8, counted without decoding: one unit per
// byte that starts a character, and one more per four-byte character.
std::size_t js_length_of_valid_utf8(std::string_view text) noexcept;

// True when `text` holds a C0 or C1 control character or DEL (U+0000-U+001F, U+007F-U+009F).
bool has_control_character(std::string_view text) noexcept;

}  // namespace authkit::detail
