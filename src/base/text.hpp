// Small text helpers that every layer needs.
#pragma once

#include <string>
#include <string_view>

namespace authkit::detail {

// `value` as a JSON string literal with JSON.stringify's escaping (quotes included).
std::string json_quote(std::string_view value);

}  // namespace authkit::detail
