// Request header fields as the client sent them, where cpp-httplib 0.11.4's parsed headers
// lose something: a value cut at its first NUL byte, or a field with an empty value dropped.
#pragma once

#include <httplib.h>

#include <optional>
#include <string>
#include <string_view>

namespace authkit::server {

// The first value of header `name`, whole, or nullopt when the request has none. Not
// Request::get_header_value(), which hands the value through a C string: it ends at the first
// NUL byte, so "Bearer <valid token>\0junk" reached the auth middleware as the valid token.
std::optional<std::string> first_header_value(const httplib::Request& req, const std::string& name);

// Whether the raw request head `head` (the request line, then CRLF-terminated field lines)
// holds a field named `name` (ASCII case-insensitive) whose value is empty or only SP and
// HTAB. cpp-httplib 0.11.4 leaves such a field out of Request::headers, so only the raw head
// tells "User-Agent:" (stored as "") from no User-Agent at all (stored as null).
bool has_empty_field(std::string_view head, std::string_view name) noexcept;

}  // namespace authkit::server
