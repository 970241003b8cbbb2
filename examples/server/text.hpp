// Small ASCII text helpers for header values: trimming spaces and tabs, lower-casing.
#pragma once

#include <string>
#include <string_view>

namespace authkit::server {

// `text` without leading and trailing spaces and tabs (HTTP's optional whitespace).
std::string_view trim(std::string_view text) noexcept;

// `text` with A-Z lower-cased (header names, media types and hosts are ASCII-case-insensitive).
std::string lower(std::string_view text);

// Whether `a` and `b` are equal once A-Z are lower-cased.
bool iequals(std::string_view a, std::string_view b) noexcept;

}  // namespace authkit::server
