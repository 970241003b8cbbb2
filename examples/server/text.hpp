// Small ASCII text helpers: header values (trimming spaces and tabs, lower-casing) and what the
// commands print of text they do not control (redaction, escaping).
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace authkit::server {

// `text` without leading and trailing spaces and tabs (HTTP's optional whitespace).
std::string_view trim(std::string_view text) noexcept;

// `text` with A-Z lower-cased (header names, media types and hosts are ASCII-case-insensitive).
std::string lower(std::string_view text);

// Whether `a` and `b` are equal once A-Z are lower-cased.
bool iequals(std::string_view a, std::string_view b) noexcept;

// `text` with every occurrence of each of `secrets` (a password, a token) replaced by
// "[redacted]": what a peer echoes back (a deployment, libpq) is printed through it.
std::string redact(std::string text, const std::vector<std::string>& secrets);

// `text` with every byte outside printable ASCII written as \xNN: text from a database or a peer
// cannot move the cursor, colour a terminal or forge a line of its own.
std::string escaped(std::string_view text);

}  // namespace authkit::server
