// Small text helpers that every layer needs.
#pragma once

#include <string>
#include <string_view>

namespace authkit::text {

// `text` with A-Z lower-cased and every other byte as it is (e-mails, booleans, schemes: the
// contract folds ASCII only, never by locale).
std::string ascii_lower(std::string_view text);

// Whether `a` and `b` are equal once A-Z are lower-cased.
bool ascii_iequals(std::string_view a, std::string_view b) noexcept;

// `value` as a JSON string literal with JSON.stringify's escaping (quotes included).
std::string json_quote(std::string_view value);

}  // namespace authkit::text
